import type { Config } from '../config/schema.js';
import { resolverForRun } from '../dns/index.js';
import type { Logger } from '../log.js';
import type { Sql } from '../store/sql.js';
import type { Collector } from './collect.js';
import { collectorFor } from './index.js';
import { completePlacementTest, isActive } from './lifecycle.js';
import { unfinishedTests } from './store.js';

let shared: Collector | undefined;

/** The long-lived collector of `inboxwatch serve`, when one is running, for the scheduled job to reuse. */
export const sharedCollector = (): Collector | undefined => shared;

export interface PlacementService {
  /** Settles when the tests left unfinished by the last process have been completed. */
  resumed: Promise<void>;
  stop(): Promise<void>;
}

/**
 * For the long-running process: one IMAP connection per seed mailbox kept across scheduled runs, and at
 * start-up the tests the last process left sending or collecting finished — what was sent is collected
 * until its deadline (and searched once more past it), nothing is sent twice.
 */
export function startPlacementService(deps: { config: Config; db: Sql; log: Logger }): PlacementService {
  const controller = new AbortController();
  const resolver = resolverForRun(deps.config.dns);
  const collector = collectorFor({ ...deps, resolver });
  shared = collector;
  const resumed = (async () => {
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
  })();
  return {
    resumed,
    async stop() {
      controller.abort();
      await resumed;
      if (shared === collector) shared = undefined;
      await collector.close();
    },
  };
}
