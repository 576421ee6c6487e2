import type { Sql, Statement } from '../store/sql.js';
import { auditImport } from './audits.js';
import type { AuditRun, BlocklistsRun, IngestBatch, PlacementRun, ReportsRun } from './batch.js';
import { placementImport } from './placement-tests.js';
import { reportsImport } from './reports.js';
import { sweepImport } from './sweeps.js';
import { bounded, forgetIds, noteId } from './ids.js';

/** The batch contradicts what the store holds (a Message-ID already under another test): sending it again will not help. */
export class ImportConflictError extends Error {
  constructor(cause: string) {
    super(`the batch conflicts with what the server holds: ${cause}`);
    this.name = 'ImportConflictError';
  }
}

export interface ImportDeps {
  /** The name of the token the batch came with. */
  caller: string;
  now: () => number;
}

export interface ImportOutcome {
  /** false: this batch id was stored before, and nothing was written now. */
  stored: boolean;
  runs: number;
  /** Results the batch carried: blocklist checks and list health, placement messages and late verdicts, audit checks, report rows. */
  facts: number;
}

/**
 * Writes an agent's batch into the store in one transaction: the batch id, the runs (with new ids, the
 * agent's id kept beside them) and their facts, or nothing. A batch id already stored is answered as such
 * and writes nothing, so an agent may send a batch again until it hears back.
 */
export async function importBatch(db: Sql, batch: IngestBatch, deps: ImportDeps): Promise<ImportOutcome> {
  const seen = await storedBatch(db, batch.id);
  if (seen) return seen;
  const agent = batch.agent ?? deps.caller;
  const statements: Statement[] = [];
  const runs = [...batch.runs].sort((a, b) => a.run.startedAt - b.run.startedAt || a.run.id - b.run.id);
  for (const { job, run } of runs) {
    statements.push(
      {
        sql: `INSERT INTO runs (job, trigger, started_at, finished_at, status, summary, error, agent, agent_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        params: [job, run.trigger, run.startedAt, run.finishedAt, run.status, run.summary, run.error, agent, run.id],
      },
      noteId(batch.id, 'run', run.id),
    );
  }
  const parts = [
    await sweepImport(db, batch.id, runs.filter((r): r is BlocklistsRun => r.job === 'blocklists')),
    placementImport(batch.id, runs.filter((r): r is PlacementRun => r.job === 'placement')),
    await auditImport(db, batch.id, runs.filter((r): r is AuditRun => r.job === 'audit')),
    reportsImport(batch.id, runs.filter((r): r is ReportsRun => r.job === 'reports')),
  ];
  for (const part of parts) statements.push(...part.statements);
  const facts = parts.reduce((sum, part) => sum + part.facts, 0);
  statements.push(forgetIds(batch.id));
  const header: Statement = {
    sql: 'INSERT INTO ingest_batches (id, caller, agent, received_at, runs, facts) VALUES (?, ?, ?, ?, ?, ?)',
    params: [batch.id, deps.caller, batch.agent ?? null, deps.now(), runs.length, facts],
  };
  try {
    await db.batch([header, ...statements].map(bounded));
  } catch (error) {
    // Sent twice at once: the other request stored it first, and this one's transaction rolled back.
    const raced = await storedBatch(db, batch.id);
    if (raced) return raced;
    // Both engines word a broken UNIQUE, NOT NULL or CHECK constraint so.
    if (error instanceof Error && /constraint failed/i.test(error.message)) throw new ImportConflictError(error.message);
    throw error;
  }
  return { stored: true, runs: runs.length, facts };
}

async function storedBatch(db: Sql, id: string): Promise<ImportOutcome | undefined> {
  const row = await db.first<{ runs: number; facts: number }>('SELECT runs, facts FROM ingest_batches WHERE id = ?', [id]);
  return row && { stored: false, runs: row.runs, facts: row.facts };
}
