import type { Run } from '../store/runs.js';
import type { Sql, SqlValue, Statement } from '../store/sql.js';
import type { IntakeFacts, ReportsRun, StoredReportFacts } from './batch.js';
import { idOf, noteId } from './ids.js';
import { REPORT_COLUMNS, type ReportTable, type Row } from './report-rows.js';

const TABLE_OF = { aggregate: 'dmarc_reports', tls: 'tls_reports', failure: 'failure_reports' } as const;
type Kind = keyof typeof TABLE_OF;

const selectRow = (table: ReportTable) => `SELECT id, ${REPORT_COLUMNS[table].join(', ')} FROM ${table}`;

interface IntakeRow {
  received_at: number;
  source: IntakeFacts['source'];
  name: string;
  sha256: string;
  size: number;
  status: IntakeFacts['status'];
  kind: Kind | null;
  stored_id: number | null;
  error: string | null;
  content: Uint8Array | null;
}

/**
 * What a reports run took in, read back: every file or part offered while it ran (its intake), the rows of
 * each report those were (stored now, or found already stored), and the source lookups it made.
 */
export async function exportReports(db: Sql, run: Run & { finishedAt: number }): Promise<Omit<ReportsRun, 'job' | 'run'>> {
  const window = [run.startedAt, run.finishedAt];
  const intake = await db.all<IntakeRow>('SELECT * FROM report_intake WHERE received_at >= ? AND received_at <= ? ORDER BY id', window);
  const reports: StoredReportFacts[] = [];
  const seen = new Set<string>();
  for (const entry of intake) {
    if (entry.kind === null || entry.stored_id === null || seen.has(`${entry.kind} ${entry.stored_id}`)) continue;
    seen.add(`${entry.kind} ${entry.stored_id}`);
    const report = await reportOf(db, entry.kind, entry.stored_id);
    if (report) reports.push(report);
  }
  const sources = await db.all<Row>(`SELECT ${REPORT_COLUMNS.report_sources.join(', ')} FROM report_sources WHERE checked_at >= ? AND checked_at <= ? ORDER BY ip`, window);
  return {
    reports,
    intake: intake.map((i) => ({
      receivedAt: i.received_at,
      source: i.source,
      name: i.name,
      sha256: i.sha256,
      size: i.size,
      status: i.status,
      kind: i.kind,
      report: i.stored_id,
      error: i.error,
      content: i.content === null ? null : base64(i.content),
    })),
    sources,
  };
}

async function reportOf(db: Sql, kind: Kind, id: number): Promise<StoredReportFacts | undefined> {
  const table = TABLE_OF[kind];
  const found = await db.first<Record<string, SqlValue>>(`${selectRow(table)} WHERE id = ?`, [id]);
  if (!found) return undefined;
  const { id: _id, ...report } = found;
  if (kind === 'aggregate') {
    const rows = await db.all<Row>(`SELECT ${REPORT_COLUMNS.dmarc_rows.join(', ')} FROM dmarc_rows WHERE report = ? ORDER BY rowid`, [id]);
    return { kind, id, report: report as Row, rows };
  }
  if (kind === 'tls') {
    const policies = await db.all<Row>(`SELECT ${REPORT_COLUMNS.tls_policies.join(', ')} FROM tls_policies WHERE report = ? ORDER BY rowid`, [id]);
    return { kind, id, report: report as Row, policies };
  }
  return { kind, id, report: report as Row };
}

/** Report ids are per kind, and one report may come up in several runs of a batch. */
const noteKind = (runId: number, report: StoredReportFacts) => `${runId}:${report.kind}`;

const cell = (row: Row, column: string): SqlValue => row[column] ?? null;

const insert = (table: ReportTable, row: Record<string, SqlValue>): { columns: string; marks: string; values: SqlValue[] } => {
  const columns = REPORT_COLUMNS[table];
  return { columns: columns.join(', '), marks: columns.map(() => '?').join(', '), values: columns.map((c) => row[c] ?? null) };
};

/** The server's id of the report, found by the identity its own de-duplication uses. */
function storedId(batch: string, runId: number, report: StoredReportFacts): { sql: string; params: SqlValue[] } {
  if (report.kind === 'failure') {
    const key = cell(report.report, 'content_key');
    return key === null ? idOf(batch, noteKind(runId, report), report.id) : { sql: 'SELECT id FROM failure_reports WHERE content_key = ?', params: [key] };
  }
  const key = ['org', 'report_id', 'domain', 'begin_at', 'end_at'];
  return { sql: `SELECT id FROM ${TABLE_OF[report.kind]} WHERE ${key.map((c) => `${c} = ?`).join(' AND ')}`, params: key.map((c) => cell(report.report, c)) };
}

/**
 * The statements that take agents' reports in: each report stored once, by the identity the server's own
 * de-duplication uses, its rows only with a report this import stored; each intake entry kept, pointing at the
 * server's copy (and called a duplicate when the server had the report already); source lookups taken where newer.
 */
export function reportsImport(batch: string, runs: readonly ReportsRun[]): { statements: Statement[]; facts: number } {
  const statements: Statement[] = [];
  let facts = 0;
  for (const { run, reports, intake, sources } of runs) {
    const byLocalId = new Map<string, StoredReportFacts>();
    for (const report of reports) {
      const table = TABLE_OF[report.kind];
      const local = noteKind(run.id, report);
      byLocalId.set(`${report.kind} ${report.id}`, report);
      const head = insert(table, report.report);
      statements.push(
        { sql: `INSERT OR IGNORE INTO ${table} (${head.columns}) VALUES (${head.marks})`, params: head.values },
        noteId(batch, local, report.id),
      );
      const mine = idOf(batch, local, report.id);
      const children: Array<[ReportTable, Record<string, SqlValue>]> =
        report.kind === 'aggregate' ? report.rows.map((r) => ['dmarc_rows', r]) : report.kind === 'tls' ? report.policies.map((p) => ['tls_policies', p]) : [];
      for (const [child, row] of children) {
        const values = insert(child, row);
        statements.push({ sql: `INSERT INTO ${child} (report, ${values.columns}) SELECT id, ${values.marks} FROM ingest_ids WHERE batch = ? AND kind = ? AND local_id = ?`, params: [...values.values, ...mine.params] });
      }
      if (report.kind === 'aggregate') statements.push(...selectorStatements(report, mine.params));
      facts += report.kind === 'aggregate' ? report.rows.length : report.kind === 'tls' ? report.policies.length : 1;
    }
    for (const entry of intake) {
      const report = entry.kind !== null && entry.report !== null ? byLocalId.get(`${entry.kind} ${entry.report}`) : undefined;
      const target = report ? storedId(batch, run.id, report) : { sql: 'SELECT NULL', params: [] };
      const mine = report && idOf(batch, noteKind(run.id, report), report.id);
      // Stored by the agent, but the server may have had it: then it is a duplicate here.
      const status =
        entry.status === 'stored' && mine ? { sql: `CASE WHEN EXISTS (${mine.sql}) THEN 'stored' ELSE 'duplicate' END`, params: mine.params } : { sql: '?', params: [entry.status] };
      statements.push({
        sql: `INSERT INTO report_intake (received_at, source, name, sha256, size, status, kind, stored_id, error, content)
              SELECT ?, ?, ?, ?, ?, ${status.sql}, ?, (${target.sql}), ?, ?`,
        params: [entry.receivedAt, entry.source, entry.name, entry.sha256, entry.size, ...status.params, entry.kind, ...target.params, entry.error, entry.content === null ? null : unbase64(entry.content)],
      });
    }
    for (const source of sources) {
      const values = insert('report_sources', source);
      statements.push({
        sql: `INSERT INTO report_sources (${values.columns}) VALUES (${values.marks})
              ON CONFLICT (ip) DO UPDATE SET status = excluded.status, ptr = excluded.ptr, fcrdns = excluded.fcrdns, base_domain = excluded.base_domain,
                label = excluded.label, error = excluded.error, first_seen = MIN(first_seen, excluded.first_seen), checked_at = excluded.checked_at
              WHERE excluded.checked_at > report_sources.checked_at`,
        params: values.values,
      });
    }
  }
  return { statements, facts };
}

/** As the server's own store does: selectors of passing signatures become keys the audit checks. */
function selectorStatements(report: Extract<StoredReportFacts, { kind: 'aggregate' }>, mine: SqlValue[]): Statement[] {
  const selectors = new Set<string>();
  for (const row of report.rows) {
    const text = cell(row, 'dkim');
    const dkim = typeof text === 'string' ? (JSON.parse(text) as Array<{ domain?: string; selector?: string | null; result?: string }>) : [];
    for (const d of dkim) if (d.domain && d.selector && d.result === 'pass') selectors.add(`${d.domain}\u0000${d.selector}`);
  }
  return [...selectors].map((pair) => {
    const [domain, selector] = pair.split('\u0000') as [string, string];
    return {
      sql: `INSERT INTO dmarc_selectors (domain, selector, first_seen, last_seen) SELECT ?, ?, ?, ? FROM ingest_ids WHERE batch = ? AND kind = ? AND local_id = ?
            ON CONFLICT (domain, selector) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen)`,
      params: [domain, selector, cell(report.report, 'end_at'), cell(report.report, 'end_at'), ...mine],
    };
  });
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function unbase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
