import type { Config } from '../config/schema.js';
import type { Resolver } from '../dns/types.js';
import type { Logger } from '../log.js';
import type { Sql } from '../store/sql.js';
import { createCollector, type Collector } from './collect.js';
import { recordSeedFailure, recordSeedLogin } from './store.js';

export { completePlacementTest, createPlacementTest, PlanError, type PlacementContext, type Progress } from './lifecycle.js';
export { testReport, reportFailed, type TestReport } from './report.js';

/** A collector whose seed logins and failures are recorded as seed health. */
export function collectorFor(deps: { config: Config; db: Sql; resolver: Resolver; log: Logger; idle?: boolean }): Collector {
  return createCollector({
    resolver: deps.resolver,
    log: deps.log,
    pollIntervalMs: deps.config.placement.pollInterval,
    deleteAfterRead: deps.config.placement.deleteAfterRead,
    idle: deps.idle,
    spamIdle: deps.config.placement.spamIdle,
    health: {
      login: (seed, at, quota) => recordSeedLogin(deps.db, seed, at, quota),
      failure: (seed, at, error) => recordSeedFailure(deps.db, seed, at, error),
    },
  });
}
