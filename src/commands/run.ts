import type { Command } from 'commander';
import { createJobRunner } from '../jobs/job-runner.js';
import { findJob } from '../jobs/table.js';
import { JOB_NAMES } from '../node/job-names.js';
import { createNodeRuntime } from '../node/root.js';
import { startAlerts } from '../node/alerts/index.js';
import { openStore } from '../node/sqlite-store.js';
import { registerProcessOwner } from '../node/process-owner.js';
import { interruptOrphanedRuns } from '../store/runs.js';
import { configFor, loggerFor } from './context.js';
import { EXIT, UsageError } from './exit.js';

export async function runCommand(name: string, options: { json?: boolean }, command: Command): Promise<void> {
  const { config } = configFor(command);
  const runtime = createNodeRuntime(config);
  const job = findJob(name, runtime.jobs);
  if (!job) throw new UsageError(`unknown job "${name}"; jobs are ${JOB_NAMES.join(', ')}`);
  const log = loggerFor(command);
  const db = await openStore(config.database);
  const owner = await registerProcessOwner(db, `run ${job.name}`, log);
  await interruptOrphanedRuns(db, owner, Date.now(), 'the process stopped before the run finished');
  const alerts = startAlerts({ config, db, log, retry: false, resolver: runtime.resolver() });
  const runner = createJobRunner({ config, db, log, resolver: runtime.resolver, owner, afterRun: alerts.afterRun });
  const stop = () =>
    void runner
      .shutdown(5_000)
      .then(() => owner.retire())
      .then(() => db.close())
      .then(() => process.exit(EXIT.failure));
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
    await owner.retire();
    await db.close();
  }
}
