import type { Config } from '../config/schema.js';
import type { Sql } from '../store/sql.js';
import { pruneRuns } from '../store/runs.js';
import type { Job } from './types.js';

/** Deletes one feature's records that are past retention; returns how many went. */
export interface Pruner {
  /** Plural noun for the summary, e.g. "notifications". */
  what: string;
  prune(db: Sql, config: Config, now: number): Promise<number>;
}

export interface HousekeepingDeps {
  /** Features whose records outlive runs and have a retention of their own. */
  pruners?: readonly Pruner[];
  /** The engine's own upkeep after pruning (on Node, a WAL checkpoint); engines without any leave it out. */
  maintain?: (db: Sql) => Promise<void>;
}

/** Keeps the database small and healthy: records past retention go, then the engine tidies up after itself. */
export function createHousekeepingJob(deps: HousekeepingDeps = {}): Job {
  return {
    name: 'housekeeping',
    description: 'prune records past retention and checkpoint the database',
    async run({ db, config, now }) {
      const at = now();
      const pruned: Record<string, number> = { runs: await pruneRuns(db, at - config.retention.runs) };
      for (const pruner of deps.pruners ?? []) pruned[pruner.what] = await pruner.prune(db, config, at);
      await deps.maintain?.(db);
      const parts = Object.entries(pruned).map(([what, count]) => `${count} ${what}`);
      return { summary: `pruned ${parts.join(', ')} past retention`, details: { pruned } };
    },
  };
}
