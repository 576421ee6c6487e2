import type { Sql, SqlValue, Statement } from '../store/sql.js';
import { statusKey, type BlocklistEvent, type CurrentHealth, type CurrentStatus, type EventKind, type StoredStatus } from './history.js';
import type { Severity } from './types.js';

interface StatusRow {
  target: string;
  zone: string;
  list: string;
  status: StoredStatus;
  last_known: CurrentStatus['lastKnown'];
  last_known_codes: string;
  severity: Severity | null;
  allowlisted: number;
  codes: string;
  meaning: string | null;
  reason: string | null;
  delist_url: string | null;
  error: string | null;
  since: number;
  checked_at: number;
}

interface EventRow {
  id: number;
  at: number;
  target: string;
  zone: string;
  event: EventKind;
  from_status: StoredStatus | null;
  to_status: StoredStatus;
  severity: Severity | null;
  codes: string;
  meaning: string | null;
  reason: string | null;
  error: string | null;
}

interface HealthRow {
  zone: string;
  list: string;
  healthy: number;
  cause: string | null;
  since: number;
  checked_at: number;
}

const splitCodes = (codes: string): string[] => (codes === '' ? [] : codes.split(','));

const toStatus = (row: StatusRow): CurrentStatus => ({
  target: row.target,
  zone: row.zone,
  list: row.list,
  status: row.status,
  lastKnown: row.last_known,
  lastKnownCodes: splitCodes(row.last_known_codes),
  severity: row.severity,
  allowlisted: row.allowlisted === 1,
  codes: splitCodes(row.codes),
  meaning: row.meaning,
  reason: row.reason,
  delistUrl: row.delist_url,
  error: row.error,
  since: row.since,
  checkedAt: row.checked_at,
});

export type StoredEvent = BlocklistEvent & { id: number };

const toEvent = (row: EventRow): StoredEvent => ({
  id: row.id,
  at: row.at,
  target: row.target,
  zone: row.zone,
  event: row.event,
  fromStatus: row.from_status,
  toStatus: row.to_status,
  severity: row.severity,
  codes: splitCodes(row.codes),
  meaning: row.meaning,
  reason: row.reason,
  error: row.error,
});

const toHealth = (row: HealthRow): CurrentHealth => ({
  zone: row.zone,
  list: row.list,
  healthy: row.healthy === 1,
  cause: row.cause,
  since: row.since,
  checkedAt: row.checked_at,
});

export async function currentStatuses(db: Sql): Promise<Map<string, CurrentStatus>> {
  const rows = await db.all<StatusRow>('SELECT * FROM blocklist_status');
  return new Map(rows.map((row) => [statusKey(row.target, row.zone), toStatus(row)]));
}

export async function currentHealth(db: Sql): Promise<Map<string, CurrentHealth>> {
  const rows = await db.all<HealthRow>('SELECT * FROM blocklist_health');
  return new Map(rows.map((row) => [row.zone, toHealth(row)]));
}

/** Every (target, list) cell, or only those whose status is one of the given ones. */
export async function listStatuses(db: Sql, only?: readonly StoredStatus[]): Promise<CurrentStatus[]> {
  const rows = await db.all<StatusRow>(
    `SELECT * FROM blocklist_status ${only ? `WHERE status IN (${only.map(() => '?').join(', ')})` : ''} ORDER BY target, zone`,
    only ? [...only] : [],
  );
  return rows.map(toStatus);
}

export async function listHealth(db: Sql): Promise<CurrentHealth[]> {
  const rows = await db.all<HealthRow>('SELECT * FROM blocklist_health ORDER BY zone');
  return rows.map(toHealth);
}

/** Transitions in [from, to), newest first; of one target (and one list) when given. */
export async function listEvents(db: Sql, options: { from?: number; to?: number; target?: string; zone?: string; limit: number }): Promise<StoredEvent[]> {
  const rows = await db.all<EventRow>(
    `SELECT * FROM blocklist_events WHERE (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?)
       ${options.target === undefined ? '' : 'AND target = ?'} ${options.zone === undefined ? '' : 'AND zone = ?'}
       ORDER BY at DESC, id DESC LIMIT ?`,
    [
      options.from ?? null,
      options.from ?? null,
      options.to ?? null,
      options.to ?? null,
      ...(options.target === undefined ? [] : [options.target]),
      ...(options.zone === undefined ? [] : [options.zone]),
      options.limit,
    ],
  );
  return rows.map(toEvent);
}

export interface SweepRecord {
  at: number;
  statuses: CurrentStatus[];
  health: CurrentHealth[];
  events: BlocklistEvent[];
  /** A complete sweep replaces the matrix: pairs it did not check (targets or lists removed) go. */
  complete: boolean;
  /** The run that took the sweep; recorded with it so the run's observations can be read back (agent ingest). */
  runId?: number;
}

/** Writes one sweep's outcome in a single transaction. */
export async function recordSweep(db: Sql, record: SweepRecord): Promise<void> {
  await db.batch(sweepStatements(record));
}

/** The statements that write one sweep's outcome, for a caller that writes it with more in one transaction. */
export function sweepStatements(record: SweepRecord, runIdSql?: { sql: string; params: SqlValue[] }): Statement[] {
  const statements: Statement[] = [];
  for (const s of record.statuses) {
    statements.push({
      sql: `INSERT INTO blocklist_status (target, zone, list, status, last_known, last_known_codes, severity, allowlisted, codes, meaning, reason, delist_url, error, since, checked_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (target, zone) DO UPDATE SET list = excluded.list, status = excluded.status, last_known = excluded.last_known,
              last_known_codes = excluded.last_known_codes,
              severity = excluded.severity, allowlisted = excluded.allowlisted, codes = excluded.codes, meaning = excluded.meaning,
              reason = excluded.reason, delist_url = excluded.delist_url, error = excluded.error, since = excluded.since,
              checked_at = excluded.checked_at`,
      params: [
        s.target,
        s.zone,
        s.list,
        s.status,
        s.lastKnown,
        s.lastKnownCodes.join(','),
        s.severity,
        s.allowlisted ? 1 : 0,
        s.codes.join(','),
        s.meaning,
        s.reason,
        s.delistUrl,
        s.error,
        s.since,
        s.checkedAt,
      ],
    });
  }
  for (const h of record.health) {
    statements.push({
      sql: `INSERT INTO blocklist_health (zone, list, healthy, cause, since, checked_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (zone) DO UPDATE SET list = excluded.list, healthy = excluded.healthy, cause = excluded.cause,
              since = excluded.since, checked_at = excluded.checked_at`,
      params: [h.zone, h.list, h.healthy ? 1 : 0, h.cause, h.since, h.checkedAt],
    });
  }
  for (const e of record.events) {
    statements.push({
      sql: `INSERT INTO blocklist_events (at, target, zone, event, from_status, to_status, severity, codes, meaning, reason, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [e.at, e.target, e.zone, e.event, e.fromStatus, e.toStatus, e.severity, e.codes.join(','), e.meaning, e.reason, e.error],
    });
  }
  if (runIdSql) {
    statements.push({
      sql: `INSERT INTO blocklist_sweeps (run_id, at, complete, results) SELECT (${runIdSql.sql}), ?, ?, ?`,
      params: [...runIdSql.params, record.at, record.complete ? 1 : 0, record.statuses.length],
    });
  } else if (record.runId !== undefined) {
    statements.push({
      sql: 'INSERT INTO blocklist_sweeps (run_id, at, complete, results) VALUES (?, ?, ?, ?)',
      params: [record.runId, record.at, record.complete ? 1 : 0, record.statuses.length],
    });
  }
  if (record.complete) {
    statements.push({ sql: 'DELETE FROM blocklist_status WHERE checked_at < ?', params: [record.at] });
    statements.push({ sql: 'DELETE FROM blocklist_health WHERE checked_at < ?', params: [record.at] });
  }
  return statements;
}

export interface RunSweep {
  at: number;
  complete: boolean;
  statuses: CurrentStatus[];
  health: CurrentHealth[];
}

export class SweepReplacedError extends Error {
  constructor(runId: number) {
    super(`run ${runId}: a later blocklist sweep has replaced this one's results; read a run back before the next sweep runs`);
    this.name = 'SweepReplacedError';
  }
}

/**
 * The sweep a run took, as its rows still stand (they carry the sweep's time until the next sweep replaces
 * them); undefined when the run recorded none (it failed before checking anything).
 */
export async function sweepOfRun(db: Sql, runId: number): Promise<RunSweep | undefined> {
  const sweep = await db.first<{ at: number; complete: number; results: number }>('SELECT at, complete, results FROM blocklist_sweeps WHERE run_id = ?', [runId]);
  if (!sweep) return undefined;
  const statuses = await db.all<StatusRow>('SELECT * FROM blocklist_status WHERE checked_at = ? ORDER BY target, zone', [sweep.at]);
  if (statuses.length !== sweep.results) throw new SweepReplacedError(runId);
  const health = await db.all<HealthRow>('SELECT * FROM blocklist_health WHERE checked_at = ? ORDER BY zone', [sweep.at]);
  return { at: sweep.at, complete: sweep.complete === 1, statuses: statuses.map(toStatus), health: health.map(toHealth) };
}
