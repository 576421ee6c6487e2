import { SweepReplacedError } from '../blocklists/store.js';
import type { IngestRun } from '../ingest/batch.js';
import type { Logger } from '../log.js';
import type { Sql } from '../store/sql.js';
import { markRunSkipped, queueRunOnce } from './outbox.js';

/**
 * Queues the agent's finished runs into its outbox. Not only the run that just finished: any finished run of
 * a shipped job without a mark in agent_queued_runs, so a run a crash or a stop's grace period left
 * interrupted (the next start marks it so) is shipped too, with whatever facts it stored.
 */

export interface QueueDeps {
  db: Sql;
  /** The jobs whose runs the server takes. */
  jobs: readonly string[];
  exportRun: (db: Sql, runId: number) => Promise<IngestRun>;
  log: Logger;
  now: () => number;
  newBatchId: () => string;
}

export interface QueueResult {
  queued: number;
  /** Marked without being queued, each with a logged reason. */
  skipped: number;
  /** Left unmarked after an error reading them out; tried again on the next pass. */
  failed: number;
}

/** Finished runs of `jobs` not yet queued, oldest first. */
export async function unqueuedRuns(db: Sql, jobs: readonly string[]): Promise<Array<{ id: number; job: string; status: string }>> {
  if (jobs.length === 0) return [];
  return db.all(
    `SELECT r.id, r.job, r.status FROM runs r LEFT JOIN agent_queued_runs q ON q.run_id = r.id
      WHERE q.run_id IS NULL AND r.status != 'running' AND r.job IN (${jobs.map(() => '?').join(', ')})
      ORDER BY r.started_at, r.id`,
    [...jobs],
  );
}

/**
 * One pass over the unqueued runs, oldest first. Each run is queued in one transaction with its mark, and
 * only while it has none, so a crash between two runs loses neither and two passes never queue one twice.
 */
export async function queueFinishedRuns(deps: QueueDeps): Promise<QueueResult> {
  const { db, log } = deps;
  const result: QueueResult = { queued: 0, skipped: 0, failed: 0 };
  for (const run of await unqueuedRuns(db, deps.jobs)) {
    let payload: IngestRun;
    try {
      payload = await deps.exportRun(db, run.id);
    } catch (error) {
      if (error instanceof SweepReplacedError) {
        // The store keeps only the latest result per target and list; a later sweep, already queued or about
        // to be, carries what this one would have, newer. Shipping the run without its sweep would show it
        // as a sweep that saw nothing.
        const reason = 'a later blocklist sweep replaced its results in the buffer before it was queued';
        await markRunSkipped(db, run.id, reason, deps.now());
        log.warn('run not shipped', { job: run.job, run: run.id, status: run.status, reason });
        result.skipped++;
        continue;
      }
      // Left unmarked (and the rest not held up by it): the next pass tries again.
      log.error('could not read a finished run out for shipping; trying again after the next run', { job: run.job, run: run.id, error: error instanceof Error ? error.message : String(error) });
      result.failed++;
      continue;
    }
    if (await queueRunOnce(db, { runId: run.id, job: run.job, payload }, deps.now(), deps.newBatchId())) result.queued++;
  }
  return result;
}
