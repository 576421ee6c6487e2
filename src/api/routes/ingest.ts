import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { BatchFormatError, MAX_BATCH_BYTES, parseBatch, type IngestRun } from '../../ingest/batch.js';
import { ImportConflictError, importBatch } from '../../ingest/import-batch.js';
import type { Logger } from '../../log.js';
import type { Sql } from '../../store/sql.js';
import { requireRole, type AuthVariables } from '../bearer-tokens.js';
import { noQuery } from '../params.js';

export interface IngestRouteDeps {
  db: Sql;
  log: Logger;
  now: () => number;
  /** Runs after a batch was stored (not for a duplicate), e.g. to evaluate alerts on the new facts; its failure is logged, never the request's. */
  onIngested?: (runs: readonly IngestRun[]) => Promise<void>;
}

/** `POST /api/ingest`: agents' batches of finished runs (see src/ingest/batch.ts for the format). */
export function ingestRoutes(deps: IngestRouteDeps) {
  const tooLarge = bodyLimit({
    maxSize: MAX_BATCH_BYTES,
    onError: (c) => c.json({ error: `body: larger than ${MAX_BATCH_BYTES} bytes; send the runs in several batches` }, 413),
  });
  return new Hono<{ Variables: AuthVariables }>().post('/', requireRole('agent', 'admin'), tooLarge, noQuery(), async (c) => {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch (error) {
      return c.json({ error: `body: not JSON (${(error as Error).message})` }, 400);
    }
    let batch;
    try {
      batch = parseBatch(body);
    } catch (error) {
      if (error instanceof BatchFormatError) return c.json({ error: error.message, path: error.path }, 422);
      throw error;
    }
    let outcome;
    try {
      outcome = await importBatch(deps.db, batch, { caller: c.get('caller').name, now: deps.now });
    } catch (error) {
      if (error instanceof ImportConflictError) return c.json({ error: error.message }, 422);
      throw error;
    }
    deps.log.info(outcome.stored ? 'ingested a batch' : 'a batch sent again was already stored', { batch: batch.id, caller: c.get('caller').name, runs: outcome.runs, facts: outcome.facts });
    if (outcome.stored && deps.onIngested) {
      try {
        await deps.onIngested(batch.runs);
      } catch (error) {
        deps.log.error('after-ingest step failed', { batch: batch.id, error: (error as Error).message });
      }
    }
    return c.json({ batch: batch.id, ...(outcome.stored ? { stored: true } : { duplicate: true }), runs: outcome.runs, facts: outcome.facts });
  });
}
