import type { Sql } from '../store/sql.js';
import { pruneRuns } from '../store/runs.js';
import type { Job } from './types.js';

export interface HousekeepingDeps {
  /** The engine's own upkeep after pruning (on Node, a WAL checkpoint); engines without any leave it out. */
  maintain?: (db: Sql) => Promise<void>;
}

/** Keeps the database small and healthy: old run records go, then the engine tidies up after itself. */
export function createHousekeepingJob(deps: HousekeepingDeps = {}): Job {
  return {
    name: 'housekeeping',
    description: 'prune run records past retention and checkpoint the database',
    async run({ db, config, now }) {
      const pruned = await pruneRuns(db, now() - config.retention.runs);
      await deps.maintain?.(db);
      return { summary: `pruned ${pruned} old run record${pruned === 1 ? '' : 's'}`, details: { pruned } };
    },
  };
}
