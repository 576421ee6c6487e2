import type { Sql, SqlValue } from '../store/sql.js';

/**
 * The agent's outbox in its local store: one row per finished run, waiting to be sent to the server.
 *
 * Nothing twice: the server stores a batch id once and answers a replay with `duplicate`. A row's batch id
 * is fixed before it is first sent (sealed) and never changes afterwards, so whatever happens between the
 * server storing a batch and this agent deleting its rows (a crash, a lost answer, a timeout) only leads to
 * the same batch being sent again under the same id, which the server recognises.
 * Nothing lost: a row is deleted only after a 2xx for its batch.
 */

export interface QueuedRun {
  runId: number;
  job: string;
  /** One run's facts as the ingest API takes them. */
  payload: unknown;
}

export interface OutboxRow {
  id: number;
  batchId: string;
  runId: number;
  job: string;
  payload: string;
  bytes: number;
  queuedAt: number;
  attempts: number;
}

/** A batch ready to send: its id and its rows, oldest first. */
export interface Shipment {
  batchId: string;
  rows: OutboxRow[];
}

export interface BatchLimits {
  /** The most runs one request may carry. */
  maxRuns: number;
  /** The most bytes one request body may have (the server answers 413 above it). */
  maxBytes: number;
}

interface Row {
  id: number;
  batch_id: string;
  run_id: number;
  job: string;
  payload: string;
  bytes: number;
  queued_at: number;
  sealed_at: number | null;
  solo: number;
  attempts: number;
}

const toRow = (row: Row): OutboxRow => ({
  id: row.id,
  batchId: row.batch_id,
  runId: row.run_id,
  job: row.job,
  payload: row.payload,
  bytes: row.bytes,
  queuedAt: row.queued_at,
  attempts: row.attempts,
});

/** What a request body adds around the runs' own JSON: the envelope and a comma per run. */
export const ENVELOPE_BYTES = 256;

const encoder = new TextEncoder();

/** Queues one run's facts under a fresh batch id, in a single statement (so in one transaction). */
export async function queueRun(db: Sql, run: QueuedRun, at: number, batchId: string): Promise<number> {
  const [values, params] = outboxValues(run, at, batchId);
  return (await db.run(`INSERT INTO agent_outbox ${OUTBOX_COLUMNS} VALUES (${values})`, params)).lastRowId;
}

/**
 * Queues a run of the agent's store and marks it queued (agent_queued_runs), in one transaction and only if
 * it has no mark yet: false when it had one, and nothing was written.
 */
export async function queueRunOnce(db: Sql, run: QueuedRun, at: number, batchId: string): Promise<boolean> {
  const [values, params] = outboxValues(run, at, batchId);
  const [queued] = await db.batch([
    { sql: `INSERT INTO agent_outbox ${OUTBOX_COLUMNS} SELECT ${values} WHERE NOT EXISTS (SELECT 1 FROM agent_queued_runs WHERE run_id = ?)`, params: [...params, run.runId] },
    { sql: 'INSERT OR IGNORE INTO agent_queued_runs (run_id, queued_at) VALUES (?, ?)', params: [run.runId, at] },
  ]);
  return (queued?.changes ?? 0) > 0;
}

/** Marks a run of the agent's store as handled without queueing it, and why (shown in the log). */
export async function markRunSkipped(db: Sql, runId: number, reason: string, at: number): Promise<void> {
  await db.run('INSERT OR IGNORE INTO agent_queued_runs (run_id, queued_at, skipped) VALUES (?, ?, ?)', [runId, at, reason]);
}

const OUTBOX_COLUMNS = '(batch_id, run_id, job, payload, bytes, queued_at)';

function outboxValues(run: QueuedRun, at: number, batchId: string): [string, SqlValue[]] {
  const payload = JSON.stringify(run.payload);
  return ['?, ?, ?, ?, ?, ?', [batchId, run.runId, run.job, payload, encoder.encode(payload).byteLength, at]];
}

/**
 * The next batch to send, oldest first. A batch sealed by an earlier attempt is sent again exactly as it
 * was; otherwise the oldest pending runs are sealed together, up to the limits.
 */
export async function nextShipment(db: Sql, limits: BatchLimits, at: number): Promise<Shipment | undefined> {
  const head = await db.first<Row>('SELECT * FROM agent_outbox WHERE rejected_at IS NULL ORDER BY id LIMIT 1');
  if (!head) return undefined;
  if (head.sealed_at !== null) {
    const rows = await db.all<Row>('SELECT * FROM agent_outbox WHERE batch_id = ? AND rejected_at IS NULL ORDER BY id', [head.batch_id]);
    return { batchId: head.batch_id, rows: rows.map(toRow) };
  }
  const candidates = head.solo ? [head] : await db.all<Row>('SELECT * FROM agent_outbox WHERE rejected_at IS NULL AND id >= ? ORDER BY id LIMIT ?', [head.id, limits.maxRuns]);
  const chosen: Row[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const row of candidates) {
    if (chosen.length > 0 && (row.sealed_at !== null || row.solo || bytes + row.bytes + 1 > limits.maxBytes)) break;
    chosen.push(row);
    bytes += row.bytes + 1;
  }
  const last = chosen[chosen.length - 1] as Row;
  // One statement over a contiguous id range: rows queued meanwhile get higher ids and stay out.
  await db.run('UPDATE agent_outbox SET batch_id = ?, sealed_at = ? WHERE id BETWEEN ? AND ? AND sealed_at IS NULL AND rejected_at IS NULL', [head.batch_id, at, head.id, last.id]);
  // What is sent is what the store sealed, read back, so a batch id never goes out with two different contents.
  const sealed = await db.all<Row>('SELECT * FROM agent_outbox WHERE batch_id = ? AND sealed_at IS NOT NULL AND rejected_at IS NULL ORDER BY id', [head.batch_id]);
  // Empty only when another process sharing the buffer shipped them meanwhile: look again.
  if (sealed.length === 0) return nextShipment(db, limits, at);
  return { batchId: head.batch_id, rows: sealed.map(toRow) };
}

/** The server has the batch (stored now or before): its rows can go. */
export async function markDelivered(db: Sql, batchId: string): Promise<number> {
  return (await db.run('DELETE FROM agent_outbox WHERE batch_id = ?', [batchId])).changes;
}

/** A try that may succeed later (server unreachable, 5xx, 429, 408): the rows stay as they are. */
export async function markAttemptFailed(db: Sql, batchId: string, error: string, at: number): Promise<void> {
  await db.run('UPDATE agent_outbox SET attempts = attempts + 1, last_attempt_at = ?, last_error = ? WHERE batch_id = ?', [at, error, batchId]);
}

/**
 * The server refused the batch for good. A batch of one run is kept as rejected with the server's answer
 * and never sent again. A batch of several is split instead: each run gets a fresh id and goes alone, so
 * one bad run (or a batch over the size limit) does not take the good ones with it. A refusal means the
 * server stored nothing of the batch, so sending its runs under new ids cannot store anything twice.
 */
export async function markRejected(db: Sql, shipment: Shipment, refusal: { status: number; error: string }, at: number, newId: () => string): Promise<'rejected' | 'split'> {
  if (shipment.rows.length === 1) {
    await db.run('UPDATE agent_outbox SET attempts = attempts + 1, last_attempt_at = ?, last_error = ?, rejected_at = ?, rejected_status = ? WHERE batch_id = ?', [
      at,
      refusal.error,
      at,
      refusal.status,
      shipment.batchId,
    ]);
    return 'rejected';
  }
  await db.batch(
    shipment.rows.map((row) => ({
      sql: 'UPDATE agent_outbox SET batch_id = ?, sealed_at = NULL, solo = 1, attempts = attempts + 1, last_attempt_at = ?, last_error = ? WHERE id = ?',
      params: [newId(), at, refusal.error, row.id],
    })),
  );
  return 'split';
}

export interface RejectedRun {
  id: number;
  runId: number;
  job: string;
  batchId: string;
  queuedAt: number;
  rejectedAt: number;
  status: number;
  error: string;
}

export interface OutboxStatus {
  pending: number;
  pendingBytes: number;
  /** When the oldest unsent run was queued; null when nothing waits. */
  oldestQueuedAt: number | null;
  /** The last failed try of the oldest pending batch, if it has failed. */
  lastError: { at: number; error: string; attempts: number } | null;
  rejected: RejectedRun[];
}

export async function outboxStatus(db: Sql): Promise<OutboxStatus> {
  const pending = await db.first<{ n: number; bytes: number | null; oldest: number | null }>(
    'SELECT COUNT(*) AS n, SUM(bytes) AS bytes, MIN(queued_at) AS oldest FROM agent_outbox WHERE rejected_at IS NULL',
  );
  const failing = await db.first<{ last_attempt_at: number; last_error: string; attempts: number }>(
    'SELECT last_attempt_at, last_error, attempts FROM agent_outbox WHERE rejected_at IS NULL AND last_error IS NOT NULL ORDER BY id LIMIT 1',
  );
  const rejected = await db.all<{ id: number; run_id: number; job: string; batch_id: string; queued_at: number; rejected_at: number; rejected_status: number; last_error: string }>(
    'SELECT id, run_id, job, batch_id, queued_at, rejected_at, rejected_status, last_error FROM agent_outbox WHERE rejected_at IS NOT NULL ORDER BY id',
  );
  return {
    pending: pending?.n ?? 0,
    pendingBytes: pending?.bytes ?? 0,
    oldestQueuedAt: pending?.oldest ?? null,
    lastError: failing ? { at: failing.last_attempt_at, error: failing.last_error, attempts: failing.attempts } : null,
    rejected: rejected.map((row) => ({
      id: row.id,
      runId: row.run_id,
      job: row.job,
      batchId: row.batch_id,
      queuedAt: row.queued_at,
      rejectedAt: row.rejected_at,
      status: row.rejected_status,
      error: row.last_error,
    })),
  };
}

/** One outbox entry as `agent discard` shows it before dropping it. */
export interface OutboxEntry {
  id: number;
  runId: number;
  job: string;
  batchId: string;
  bytes: number;
  queuedAt: number;
  /** Set when the server refused it for good; null while it waits to be sent. */
  rejected: { at: number; status: number; error: string } | null;
}

interface EntryRow {
  id: number;
  run_id: number;
  job: string;
  batch_id: string;
  bytes: number;
  queued_at: number;
  rejected_at: number | null;
  rejected_status: number | null;
  last_error: string | null;
}

const toEntry = (row: EntryRow): OutboxEntry => ({
  id: row.id,
  runId: row.run_id,
  job: row.job,
  batchId: row.batch_id,
  bytes: row.bytes,
  queuedAt: row.queued_at,
  rejected: row.rejected_at === null ? null : { at: row.rejected_at, status: row.rejected_status ?? 0, error: row.last_error ?? '' },
});

const ENTRY_COLUMNS = 'id, run_id, job, batch_id, bytes, queued_at, rejected_at, rejected_status, last_error';

/** What the outbox holds for one of the agent's runs (one entry, or none once the server has it). */
export async function outboxEntriesOfRun(db: Sql, runId: number): Promise<OutboxEntry[]> {
  return (await db.all<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM agent_outbox WHERE run_id = ? ORDER BY id`, [runId])).map(toEntry);
}

export async function rejectedEntries(db: Sql): Promise<OutboxEntry[]> {
  return (await db.all<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM agent_outbox WHERE rejected_at IS NOT NULL ORDER BY id`)).map(toEntry);
}

/**
 * Drops entries from the outbox for good. The runs stay marked as queued (agent_queued_runs), so a dropped
 * run is never queued again; its facts stay in the buffer's own tables until housekeeping prunes them.
 */
export async function discardEntries(db: Sql, entries: readonly OutboxEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const results = await db.batch(entries.map((entry) => ({ sql: 'DELETE FROM agent_outbox WHERE id = ?', params: [entry.id] })));
  return results.reduce((sum, result) => sum + result.changes, 0);
}
