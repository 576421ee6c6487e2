import type { Config } from '../config/schema.js';
import type { Resolver } from '../dns/types.js';
import type { Logger } from '../log.js';
import type { Sql } from '../store/sql.js';
import { completePlacementTest } from '../placement/lifecycle.js';
import type { PlacementRuntime } from '../placement/runtime.js';
import { claimOrphanedTests } from '../placement/store.js';
import type { ProcessOwner } from '../store/owners.js';

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
export function startPlacementService(deps: {
  config: Config;
  db: Sql;
  log: Logger;
  runtime: PlacementRuntime;
  resolver: Resolver;
  owner: ProcessOwner;
  /** False leaves unfinished tests to the next placement run, which claims them (the agent ships a run's facts). */
  resume?: boolean;
}): PlacementService {
  const controller = new AbortController();
  const { runtime } = deps;
  const collector = runtime.openCollector(deps);
  // The scheduled placement job reuses these connections while the server runs.
  runtime.shared = collector;
  const resumed = (async () => {
    if (deps.resume === false) return;
    const tests = (await claimOrphanedTests(deps.db, deps.owner)).filter((test) => !runtime.active.has(test.id));
    if (tests.length === 0) return;
    deps.log.info('resuming placement tests left unfinished by a process that is gone', { tests: tests.map((t) => t.id) });
    await Promise.all(
      tests.map((test) =>
        completePlacementTest({ ...deps, collector, now: Date.now, signal: controller.signal }, test).catch((error: Error) =>
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
      if (runtime.shared === collector) runtime.shared = undefined;
      await collector.close();
    },
  };
}
