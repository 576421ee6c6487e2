import type { Command } from 'commander';
import { createJobRunner } from '../jobs/runner.js';
import { findJob, JOBS } from '../jobs/table.js';
import { startAlerts } from '../node/alerts/index.js';
import { openStore } from '../store/index.js';
import { markInterrupted } from '../store/runs.js';
import { configFor, EXIT, loggerFor, UsageError } from './context.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description(`run one job now and print its result (jobs: ${JOBS.map((j) => j.name).join(', ')})`)
    .argument('<job>', 'the job to run')
    .option('--json', 'print the run and its result as JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      const job = findJob(name);
      if (!job) throw new UsageError(`unknown job "${name}"; jobs are ${JOBS.map((j) => j.name).join(', ')}`);
      const { config } = configFor(command);
      const log = loggerFor(command);
      const db = await openStore(config.database);
      await markInterrupted(db, Date.now(), 'the process stopped before the run finished');
      const alerts = startAlerts({ config, db, log, retry: false });
      const runner = createJobRunner({ config, db, log, afterRun: alerts.afterRun });
      const stop = () => void runner.shutdown(5_000).then(() => db.close()).then(() => process.exit(EXIT.failure));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        const { run, result } = await runner.run(job, 'manual');
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ run, result: result?.details ?? null }, null, 2)}\n`);
        } else {
          const took = run.finishedAt === null ? '' : ` in ${((run.finishedAt - run.startedAt) / 1000).toFixed(1)}s`;
          process.stdout.write(`${job.name} #${run.id}: ${run.status}${took}${run.summary ? ` — ${run.summary}` : ''}${run.error ? ` — ${run.error}` : ''}\n`);
        }
        process.exitCode = run.status === 'ok' ? EXIT.ok : EXIT.failure;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await db.close();
      }
    });
}
