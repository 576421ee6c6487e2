import { allInChunks } from '../store/chunks.js';
import type { Sql, Statement } from '../store/sql.js';
import { diffRecordSets, recordDiff, type ChangeKind, type KnownSet, type RecordChange } from './changes.js';
import { countStatuses, worstStatus, type Check, type CheckStatus, type DomainAudit, type Json } from './types.js';

export interface StoredAudit {
  id: number;
  domain: string;
  startedAt: number;
  finishedAt: number;
  worst: CheckStatus;
  counts: Record<CheckStatus, number>;
}

export interface StoredChange extends RecordChange {
  id: number;
  domain: string;
  observedAt: number;
  auditId: number;
}

interface AuditRow {
  id: number;
  domain: string;
  started_at: number;
  finished_at: number;
  worst: CheckStatus;
  pass: number;
  warn: number;
  fail: number;
  error: number;
  info: number;
}

interface CheckRow {
  audit_id: number;
  check_id: string;
  subject: string | null;
  status: CheckStatus;
  message: string;
  remediation: string | null;
  evidence: string;
}

interface ChangeRow {
  id: number;
  domain: string;
  kind: string;
  name: string;
  change: ChangeKind;
  before: string;
  after: string;
  observed_at: number;
  audit_id: number;
}

const toAudit = (row: AuditRow): StoredAudit => ({
  id: row.id,
  domain: row.domain,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  worst: row.worst,
  counts: { pass: row.pass, warn: row.warn, fail: row.fail, error: row.error, info: row.info },
});

const toCheck = (row: CheckRow): Check => ({
  id: row.check_id,
  subject: row.subject,
  status: row.status,
  message: row.message,
  remediation: row.remediation,
  evidence: JSON.parse(row.evidence) as { [key: string]: Json },
});

function toChange(row: ChangeRow): StoredChange {
  const before = JSON.parse(row.before) as string[];
  const after = JSON.parse(row.after) as string[];
  return {
    id: row.id,
    domain: row.domain,
    kind: row.kind,
    name: row.name,
    change: row.change,
    before,
    after,
    ...recordDiff(before, after),
    observedAt: row.observed_at,
    auditId: row.audit_id,
  };
}

/** The latest snapshot of every record kind for a domain. */
export async function latestSnapshots(db: Sql, domain: string): Promise<Map<string, KnownSet & { id: number; lastSeenAt: number }>> {
  const rows = await db.all<{ id: number; kind: string; name: string; records: string; last_seen_at: number }>(
    `SELECT s.id, s.kind, s.name, s.records, s.last_seen_at FROM dns_snapshots s
     WHERE s.domain = ? AND s.id = (SELECT id FROM dns_snapshots WHERE domain = s.domain AND kind = s.kind ORDER BY first_seen_at DESC, id DESC LIMIT 1)`,
    [domain],
  );
  return new Map(rows.map((r) => [r.kind, { id: r.id, name: r.name, records: JSON.parse(r.records) as string[], lastSeenAt: r.last_seen_at }]));
}

/**
 * Stores an audit with its checks, updates the record snapshots and records a change event for every
 * record set that differs from its last snapshot, all in one transaction. Returns the changes found.
 */
export async function saveAudit(db: Sql, audit: DomainAudit, runId?: number): Promise<{ auditId: number; changes: RecordChange[] }> {
  const counts = countStatuses(audit.checks);
  const worst = worstStatus(audit.checks.map((c) => c.status));
  const inserted = await db.run(
    'INSERT INTO audits (domain, started_at, finished_at, worst, pass, warn, fail, error, info, run_id, records) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [audit.domain, audit.startedAt, audit.finishedAt, worst, counts.pass, counts.warn, counts.fail, counts.error, counts.info, runId ?? null, JSON.stringify(audit.records)],
  );
  const auditId = inserted.lastRowId;
  const previous = await latestSnapshots(db, audit.domain);
  const changes = diffRecordSets(previous, audit.records);
  const at = audit.finishedAt;
  const statements: Statement[] = audit.checks.map((c, seq) => ({
    sql: 'INSERT INTO audit_checks (audit_id, seq, check_id, subject, status, message, remediation, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    params: [auditId, seq, c.id, c.subject, c.status, c.message, c.remediation, JSON.stringify(c.evidence)],
  }));
  for (const [kind, set] of Object.entries(audit.records)) {
    if (set.records === null) continue;
    const records = JSON.stringify([...set.records].sort());
    const last = previous.get(kind);
    if (last && JSON.stringify(last.records) === records) {
      statements.push({ sql: 'UPDATE dns_snapshots SET last_seen_at = ? WHERE id = ?', params: [at, last.id] });
    } else {
      statements.push({
        sql: 'INSERT INTO dns_snapshots (domain, kind, name, records, first_seen_at, last_seen_at, audit_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
        params: [audit.domain, kind, set.name, records, at, at, auditId],
      });
    }
  }
  for (const change of changes) {
    statements.push({
      sql: 'INSERT INTO dns_changes (domain, kind, name, change, before, after, observed_at, audit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      params: [audit.domain, change.kind, change.name, change.change, JSON.stringify(change.before), JSON.stringify(change.after), at, auditId],
    });
  }
  try {
    await db.batch(statements);
  } catch (error) {
    // The audit row went in on its own (its id keys the rest); do not leave it behind without its checks.
    await db.run('DELETE FROM audits WHERE id = ?', [auditId]);
    throw error;
  }
  return { auditId, changes };
}

/** The audits a run stored, with their checks and the record sets they saw, oldest first. */
export async function auditsOfRun(db: Sql, runId: number): Promise<DomainAudit[]> {
  const rows = await db.all<AuditRow & { records: string | null }>('SELECT * FROM audits WHERE run_id = ? ORDER BY started_at, id', [runId]);
  if (rows.length === 0) return [];
  const checks = await allInChunks(
    rows.map((r) => r.id),
    (marks, slice) => db.all<CheckRow>(`SELECT * FROM audit_checks WHERE audit_id IN (${marks}) ORDER BY audit_id, seq`, slice),
  );
  return rows.map((row) => ({
    domain: row.domain,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    checks: checks.filter((c) => c.audit_id === row.id).map(toCheck),
    records: row.records === null ? {} : (JSON.parse(row.records) as DomainAudit['records']),
  }));
}

export interface DomainSummary {
  domain: string;
  lastAudit: StoredAudit;
  /** How many audits of the domain are stored. */
  audits: number;
}

// Every audited domain has a first status change (migration 0009), so that small table names them all; each
// latest audit is then one indexed lookup rather than a pass over a year of hourly audits.
const LATEST_AUDITS = `FROM (SELECT DISTINCT domain FROM audit_status_changes) d
  JOIN audits a ON a.id = (SELECT id FROM audits WHERE domain = d.domain ORDER BY started_at DESC, id DESC LIMIT 1)`;

/** Every audited domain with its latest audit. */
export async function listAuditedDomains(db: Sql): Promise<DomainSummary[]> {
  const rows = await db.all<AuditRow & { audits: number }>(
    `SELECT a.*, (SELECT COUNT(*) FROM audits WHERE domain = d.domain) AS audits ${LATEST_AUDITS} ORDER BY a.domain`,
  );
  return rows.map((row) => ({ domain: row.domain, lastAudit: toAudit(row), audits: row.audits }));
}

/** Each audited domain's latest audit with its checks, by domain, in two queries. */
export async function latestAudits(db: Sql): Promise<Array<StoredAudit & { checks: Check[] }>> {
  const rows = await db.all<AuditRow>(`SELECT a.* ${LATEST_AUDITS} ORDER BY a.domain`);
  return withChecks(db, rows);
}

async function withChecks(db: Sql, rows: AuditRow[]): Promise<Array<StoredAudit & { checks: Check[] }>> {
  if (rows.length === 0) return [];
  const checks = await allInChunks(
    rows.map((r) => r.id),
    (marks, slice) => db.all<CheckRow>(`SELECT * FROM audit_checks WHERE audit_id IN (${marks}) ORDER BY audit_id, seq`, slice),
  );
  const byAudit = new Map<number, Check[]>();
  for (const c of checks) {
    const list = byAudit.get(c.audit_id) ?? [];
    list.push(toCheck(c));
    byAudit.set(c.audit_id, list);
  }
  return rows.map((row) => ({ ...toAudit(row), checks: byAudit.get(row.id) ?? [] }));
}

export interface TimeRange {
  from?: number;
  to?: number;
  limit: number;
}

export async function listAudits(db: Sql, domain: string, range: TimeRange): Promise<Array<StoredAudit & { checks: Check[] }>> {
  const from = range.from ?? null;
  const to = range.to ?? null;
  const rows = await db.all<AuditRow>(
    `SELECT * FROM audits WHERE domain = ? AND (? IS NULL OR started_at >= ?) AND (? IS NULL OR started_at < ?)
     ORDER BY started_at DESC, id DESC LIMIT ?`,
    [domain, from, from, to, to, range.limit],
  );
  return withChecks(db, rows);
}

export async function listChanges(db: Sql, options: TimeRange & { domain?: string }): Promise<StoredChange[]> {
  const rows = await db.all<ChangeRow>(
    `SELECT * FROM dns_changes WHERE (? IS NULL OR domain = ?) AND (? IS NULL OR observed_at >= ?) AND (? IS NULL OR observed_at < ?)
     ORDER BY observed_at DESC, id DESC LIMIT ?`,
    [options.domain ?? null, options.domain ?? null, options.from ?? null, options.from ?? null, options.to ?? null, options.to ?? null, options.limit],
  );
  return rows.map(toChange);
}

/** Drops audits (and, by cascade, their checks) older than the cutoff; snapshots and changes stay. */
export async function pruneAudits(db: Sql, olderThan: number): Promise<number> {
  const result = await db.run('DELETE FROM audits WHERE started_at < ?', [olderThan]);
  return result.changes;
}
