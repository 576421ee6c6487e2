import { pruneRuns } from '../store/runs.js';
import type { Job } from './types.js';

/** Keeps the database small and healthy: old run records go, the WAL is folded back into the file. */
export const housekeepingJob: Job = {
  name: 'housekeeping',
  description: 'prune run records past retention and checkpoint the database',
  async run({ db, config, now }) {
    const pruned = await pruneRuns(db, now() - config.retention.runs);
    await db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    return { summary: `pruned ${pruned} old run record${pruned === 1 ? '' : 's'}`, details: { pruned } };
  },
};
