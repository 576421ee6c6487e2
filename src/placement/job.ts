import type { Job } from '../jobs/types.js';
import { completePlacementTest, createPlacementTest, type PlacementContext } from './lifecycle.js';
import { testReport, type TestReport } from './report.js';
import type { PlacementRuntime } from './runtime.js';
import { claimOrphanedTests, linkTestsToRun } from './store.js';
import type { Placement } from './types.js';

export function summariseReport(report: TestReport): string {
  const counts = new Map<Placement | 'pending', number>();
  let total = 0;
  for (const provider of report.providers) {
    for (const seed of provider.seeds) {
      counts.set(seed.placement, (counts.get(seed.placement) ?? 0) + 1);
      total++;
    }
  }
  const parts = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([p, n]) => `${n} ${p}`);
  return `test #${report.test.id}: ${parts.join(', ')} of ${total}`;
}

/**
 * Scheduled placement test: finishes any test a restart interrupted (without re-sending), then runs a
 * new one through the configured providers, looking again for messages earlier tests reported missing.
 */
export function createPlacementJob(runtime: PlacementRuntime): Job {
  return {
    name: 'placement',
    description: 'send a seed test through every provider and record where each message lands',
    idleReason: (config) => (config.providers.length === 0 ? 'no providers configured' : config.seeds.length === 0 ? 'no seeds configured' : undefined),
    async run(jobContext) {
      // Under `serve` the mailbox connections outlive the run; alone (`inboxwatch run`) they last as long as it.
      const shared = runtime.shared;
      const collector = shared ?? runtime.openCollector(jobContext);
      const ctx: PlacementContext = { ...jobContext, collector, runtime };
      try {
        const resumed = (await claimOrphanedTests(ctx.db, ctx.owner)).filter((test) => !runtime.active.has(test.id));
        const fresh = await createPlacementTest(ctx, { trigger: 'schedule' });
        const outcomes = await Promise.all([
          ...resumed.map((test) => completePlacementTest(ctx, test)),
          completePlacementTest(ctx, fresh, { alsoLookFor: true }),
        ]);
        const completed = outcomes.filter((o) => !o.interrupted).map((o) => o.test.id);
        if (jobContext.runId !== undefined) await linkTestsToRun(ctx.db, jobContext.runId, completed);
        const reports = await Promise.all(outcomes.map((o) => testReport(ctx.db, o.test.id)));
        const done = reports.filter((r): r is TestReport => r !== undefined);
        const summary = done.map(summariseReport).join('; ');
        return { summary: resumed.length > 0 ? `${summary} (${resumed.length} resumed)` : summary, details: done };
      } finally {
        if (!shared) await collector.close();
      }
    },
  };
}
