import type { Pruner } from '../jobs/housekeeping.js';

/**
 * Batch ids are kept as long as run records: an agent resends a batch until it hears back, within minutes or
 * days of an outage, never months. A sweep's link to its run goes with the run (runs are pruned first).
 */
export const ingestPruner: Pruner = {
  what: 'ingest records',
  async prune(db, config, now) {
    const batches = await db.run('DELETE FROM ingest_batches WHERE received_at < ?', [now - config.retention.runs]);
    const sweeps = await db.run('DELETE FROM blocklist_sweeps WHERE run_id NOT IN (SELECT id FROM runs)');
    return batches.changes + sweeps.changes;
  },
};
