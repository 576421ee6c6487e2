import { diffRecordSets } from '../audit/changes.js';
import { auditsOfRun, latestSnapshots } from '../audit/store.js';
import { countStatuses, worstStatus } from '../audit/types.js';
import type { Sql, Statement } from '../store/sql.js';
import type { AuditRun, DomainAuditFacts } from './batch.js';
import { idOf, noteId } from './ids.js';

/** The audits a run stored, with their checks and the record sets each saw. */
export async function exportAudits(db: Sql, runId: number): Promise<DomainAuditFacts[]> {
  return auditsOfRun(db, runId);
}

interface Known {
  name: string;
  records: string[];
  lastSeenAt: number;
  /** The server's row; for a snapshot this import adds, its key instead. */
  row: { id: number } | { firstSeenAt: number };
}

/**
 * The statements that store agents' audits as an audit on the server would be stored: the audit and its
 * checks, and its record sets compared with the server's own snapshots, so a change is recorded only where
 * the server's last known set differs. A set the server has already seen at a later time is not compared
 * at all (an audit arriving late must not report a change back to an older record).
 */
export async function auditImport(db: Sql, batch: string, runs: readonly AuditRun[]): Promise<{ statements: Statement[]; facts: number }> {
  const audits = runs.flatMap((r) => r.audits.map((audit) => ({ runId: r.run.id, audit }))).sort((a, b) => a.audit.finishedAt - b.audit.finishedAt);
  const known = new Map<string, Map<string, Known>>();
  const statements: Statement[] = [];
  let facts = 0;
  for (const [n, { runId, audit }] of audits.entries()) {
    const snapshots = await snapshotsOf(db, known, audit.domain);
    const runRef = idOf(batch, 'run', runId);
    const auditRef = idOf(batch, 'audit', n);
    const counts = countStatuses(audit.checks);
    statements.push(
      {
        sql: `INSERT INTO audits (domain, started_at, finished_at, worst, pass, warn, fail, error, info, run_id, records)
              SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, (${runRef.sql}), ?`,
        params: [audit.domain, audit.startedAt, audit.finishedAt, worstStatus(audit.checks.map((c) => c.status)), counts.pass, counts.warn, counts.fail, counts.error, counts.info,
          ...runRef.params, JSON.stringify(audit.records)],
      },
      noteId(batch, 'audit', n),
      ...audit.checks.map((c, seq) => ({
        sql: `INSERT INTO audit_checks (audit_id, seq, check_id, subject, status, message, remediation, evidence) SELECT (${auditRef.sql}), ?, ?, ?, ?, ?, ?, ?`,
        params: [...auditRef.params, seq, c.id, c.subject, c.status, c.message, c.remediation, JSON.stringify(c.evidence)],
      })),
    );
    facts += audit.checks.length;
    const at = audit.finishedAt;
    const current = Object.fromEntries(Object.entries(audit.records).filter(([kind]) => (snapshots.get(kind)?.lastSeenAt ?? -1) < at));
    for (const change of diffRecordSets(snapshots, current)) {
      statements.push({
        sql: `INSERT INTO dns_changes (domain, kind, name, change, before, after, observed_at, audit_id) SELECT ?, ?, ?, ?, ?, ?, ?, (${auditRef.sql})`,
        params: [audit.domain, change.kind, change.name, change.change, JSON.stringify(change.before), JSON.stringify(change.after), at, ...auditRef.params],
      });
    }
    for (const [kind, set] of Object.entries(current)) {
      if (set.records === null) continue;
      const records = [...set.records].sort();
      const last = snapshots.get(kind);
      if (last && JSON.stringify(last.records) === JSON.stringify(records)) {
        statements.push(
          'id' in last.row
            ? { sql: 'UPDATE dns_snapshots SET last_seen_at = ? WHERE id = ?', params: [at, last.row.id] }
            : { sql: 'UPDATE dns_snapshots SET last_seen_at = ? WHERE domain = ? AND kind = ? AND first_seen_at = ?', params: [at, audit.domain, kind, last.row.firstSeenAt] },
        );
        last.lastSeenAt = at;
      } else {
        statements.push({
          sql: `INSERT INTO dns_snapshots (domain, kind, name, records, first_seen_at, last_seen_at, audit_id) SELECT ?, ?, ?, ?, ?, ?, (${auditRef.sql})`,
          params: [audit.domain, kind, set.name, JSON.stringify(records), at, at, ...auditRef.params],
        });
        snapshots.set(kind, { name: set.name, records, lastSeenAt: at, row: { firstSeenAt: at } });
      }
    }
  }
  return { statements, facts };
}

async function snapshotsOf(db: Sql, known: Map<string, Map<string, Known>>, domain: string): Promise<Map<string, Known>> {
  let snapshots = known.get(domain);
  if (!snapshots) {
    snapshots = new Map([...(await latestSnapshots(db, domain))].map(([kind, s]) => [kind, { name: s.name, records: s.records, lastSeenAt: s.lastSeenAt, row: { id: s.id } }]));
    known.set(domain, snapshots);
  }
  return snapshots;
}
