import type { Command } from 'commander';
import { MAX_TIMER_MS, parseDuration } from '../config/duration.js';
import { createNodePlacementRuntime } from '../node/placement-runtime.js';
import { resolverForRun } from '../node/run-resolver.js';
import {
  completePlacementTest,
  createPlacementTest,
  PlanError,
  reportFailed,
  testReport,
  type PlacementContext,
  type Progress,
  type TestReport,
} from '../placement/index.js';
import { claimOrphanedTests } from '../placement/store.js';
import { startAlerts } from '../node/alerts/index.js';
import { registerProcessOwner } from '../node/process-owner.js';
import { openStore } from '../node/sqlite-store.js';
import { configFor, loggerFor } from './context.js';
import { EXIT, UsageError } from './exit.js';

export interface TestOptions {
  provider: string[];
  timeout?: string;
  json?: boolean;
  resume?: boolean;
}

export async function testCommand(options: TestOptions, command: Command): Promise<void> {
  const timeoutMs = options.timeout === undefined ? undefined : parseDuration(options.timeout);
  if (timeoutMs === undefined && options.timeout !== undefined) throw new UsageError(`--timeout: expected a duration such as 90s or 10m, got "${options.timeout}"`);
  if (timeoutMs !== undefined && timeoutMs < 1_000) throw new UsageError('--timeout: must be at least 1s');
  if (timeoutMs !== undefined && timeoutMs > MAX_TIMER_MS) throw new UsageError('--timeout: must be at most 2^31-1 ms (about 24.8 days), the longest timer the platform keeps');
  if (options.resume && (options.provider.length > 0 || timeoutMs !== undefined)) throw new UsageError('--resume takes no --provider or --timeout');
  const { config } = configFor(command);
  const log = loggerFor(command);
  const db = await openStore(config.database);
  const owner = await registerProcessOwner(db, options.resume ? 'test --resume' : 'test', log);
  const resolver = resolverForRun(config.dns);
  const runtime = createNodePlacementRuntime();
  const collector = runtime.openCollector({ config, db, resolver, log });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const ctx: PlacementContext = { config, db, resolver, log, now: Date.now, collector, runtime, owner, signal: controller.signal };
  const live = !options.json && process.stdout.isTTY ? liveView() : undefined;
  try {
    const tests = options.resume
      ? await claimOrphanedTests(db, owner)
      : [await createPlacementTest(ctx, { providers: options.provider, timeoutMs, trigger: 'cli' }).catch(usage)];
    if (tests.length === 0) {
      process.stdout.write(options.json ? '[]\n' : 'no unfinished tests\n');
      return;
    }
    const outcomes = await Promise.all(tests.map((test) => completePlacementTest(ctx, test, { onProgress: live?.update })));
    live?.done();
    const reports = (await Promise.all(outcomes.map((o) => testReport(db, o.test.id)))).filter((r): r is TestReport => r !== undefined);
    // The verdicts just stored are facts like a scheduled run's: the alert rules read them now.
    await startAlerts({ config, db, log, retry: false, resolver })
      .afterRun()
      .catch((error: Error) => log.error('alert evaluation failed', { error: error.message }));
    const single = !options.resume && reports.length === 1;
    if (options.json) process.stdout.write(`${JSON.stringify(single ? reports[0] : reports, null, 2)}\n`);
    else for (const report of reports) process.stdout.write(humanReport(report));
    const interrupted = outcomes.some((o) => o.interrupted);
    if (interrupted) process.stderr.write('inboxwatch: interrupted; run `inboxwatch test --resume` to finish collecting\n');
    process.exitCode = interrupted || reports.some(reportFailed) ? EXIT.failure : EXIT.ok;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await collector.close();
    await owner.retire();
    await db.close();
  }
}

function usage(error: unknown): never {
  if (error instanceof PlanError) throw new UsageError(error.message);
  throw error;
}

/** A few lines rewritten in place: seeds decided / pending per provider. */
function liveView() {
  let lines = 0;
  return {
    update(progress: Progress) {
      const text = progress.providers
        .map((p) => `${p.provider.padEnd(16)} sent ${String(p.sent).padStart(3)}  failed ${String(p.sendFailed).padStart(3)}  decided ${String(p.decided).padStart(3)}  pending ${String(p.pending).padStart(3)}`)
        .join('\n');
      process.stdout.write(`${lines > 0 ? `\x1b[${lines}A\x1b[J` : ''}${text}\n`);
      lines = progress.providers.length;
    },
    done() {
      if (lines > 0) process.stdout.write(`\x1b[${lines}A\x1b[J`);
      lines = 0;
    },
  };
}

function humanReport(report: TestReport): string {
  const out = [`test #${report.test.id} (${report.test.token}) started ${new Date(report.test.startedAt).toISOString()}`];
  for (const provider of report.providers) {
    out.push(`  ${provider.provider}: send ${provider.send.status} (${provider.send.sent} sent, ${provider.send.failed} failed)`);
    for (const seed of provider.seeds) {
      const latency =
        seed.latencyMs !== null
          ? ` ${(seed.latencyMs / 1000).toFixed(2)}±${((seed.latencyErrorMs ?? 0) / 1000).toFixed(2)}s`
          : seed.clockSkewMs !== null
            ? ` (receiver clock ${seed.clockSkewMs > 0 ? 'behind' : 'ahead'} by at least ${(Math.abs(seed.clockSkewMs) / 1000).toFixed(1)}s; no latency)`
            : '';
      const auth = seed.receiverAuth ? ` spf=${seed.receiverAuth.spf} dkim=${seed.receiverAuth.dkim} dmarc=${seed.receiverAuth.dmarc}` : '';
      const where = seed.folder ? ` in ${seed.folder}` : '';
      out.push(`    ${seed.seed.padEnd(32)} ${seed.placement}${seed.late ? ' (late)' : ''}${where}${latency}${auth}${seed.error ? ` — ${seed.error}` : ''}`);
    }
  }
  return `${out.join('\n')}\n`;
}
