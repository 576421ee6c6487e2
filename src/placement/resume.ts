import type { Config } from '../config/schema.js';
import { resolverForRun } from '../dns/index.js';
import type { Logger } from '../log.js';
import type { Sql } from '../store/sql.js';
import { collectorFor } from './index.js';
import { completePlacementTest, isActive } from './lifecycle.js';
import { unfinishedTests } from './store.js';

/**
 * At start-up, finishes the tests the last process left sending or collecting: what was sent is
 * collected until its deadline (and searched once more past it), nothing is sent twice.
 */
export function resumePlacementTests(deps: { config: Config; db: Sql; log: Logger }): { finished: Promise<void>; stop(): Promise<void> } {
  const controller = new AbortController();
  const resolver = resolverForRun(deps.config.dns);
  const collector = collectorFor({ ...deps, resolver });
  const done = (async () => {
    const tests = (await unfinishedTests(deps.db)).filter((test) => !isActive(test.id));
    if (tests.length === 0) return;
    deps.log.info('resuming placement tests left unfinished by the last process', { tests: tests.map((t) => t.id) });
    await Promise.all(
      tests.map((test) =>
        completePlacementTest({ ...deps, resolver, collector, now: Date.now, signal: controller.signal }, test).catch((error: Error) =>
          deps.log.error('could not resume a placement test', { test: test.id, error: error.message }),
        ),
      ),
    );
  })().finally(() => collector.close());
  return {
    finished: done,
    async stop() {
      controller.abort();
      await done;
    },
  };
}
