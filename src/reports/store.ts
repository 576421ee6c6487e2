import type { Sql, SqlValue, Statement } from '../store/sql.js';
import { splitByDay } from './days.js';
import type { AggregateReport, FailureReport, ReportKind, TlsFailure, TlsReport } from './types.js';

export type IntakeSource = 'imap' | 'folder' | 'upload' | 'cli';
export type IntakeStatus = 'stored' | 'duplicate' | 'rejected';

/** Stores an aggregate report unless one with the same (org, report id, policy domain, begin, end) is kept. */
export async function storeAggregate(db: Sql, report: AggregateReport, receivedAt: number): Promise<{ status: 'stored' | 'duplicate'; id: number }> {
  const key = [report.org, report.reportId, report.policy.domain, report.begin, report.end];
  const find = () => db.first<{ id: number }>('SELECT id FROM dmarc_reports WHERE org = ? AND report_id = ? AND domain = ? AND begin_at = ? AND end_at = ?', key);
  const existing = await find();
  if (existing) return { status: 'duplicate', id: existing.id };
  // The report and its rows go in one batch, so the rows carry the report's id as a literal: the next one.
  // Another writer taking that id first fails the whole batch, which is then tried once more.
  for (let attempt = 0; ; attempt++) {
    const next = await db.first<{ id: number }>('SELECT COALESCE(MAX(id), 0) + 1 AS id FROM dmarc_reports');
    const id = next?.id ?? 1;
    try {
      await db.batch(aggregateStatements(report, id, receivedAt));
      return { status: 'stored', id };
    } catch (error) {
      const raced = await find();
      if (raced) return { status: 'duplicate', id: raced.id };
      if (attempt >= 1) throw error;
    }
  }
}

function aggregateStatements(report: AggregateReport, id: number, receivedAt: number): Statement[] {
  const p = report.policy;
  const messages = report.records.reduce((sum, r) => sum + r.count, 0);
  const statements: Statement[] = [
    {
      sql: `INSERT INTO dmarc_reports (id, org, email, report_id, domain, begin_at, end_at, schema, generator, errors, adkim, aspf, p, sp, np, pct, fo, testing,
              discovery_method, records, messages, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params: [id, report.org, report.email, report.reportId, p.domain, report.begin, report.end, report.schema, report.generator, JSON.stringify(report.errors),
        p.adkim, p.aspf, p.p, p.sp, p.np, p.pct, p.fo, p.testing === null ? null : Number(p.testing), p.discoveryMethod, report.records.length, messages, receivedAt],
    },
  ];
  const selectors = new Set<string>();
  for (const record of report.records) {
    const dkim = JSON.stringify(record.dkim);
    const spf = JSON.stringify(record.spf);
    const overrides = JSON.stringify(record.overrides);
    for (const share of splitByDay(report.begin, report.end, record.count)) {
      statements.push({
        sql: `INSERT INTO dmarc_rows (report, domain, day, source_ip, count, disposition, dkim_aligned, spf_aligned, overrides, header_from, envelope_from, envelope_to, dkim, spf)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        params: [id, p.domain, share.day, record.sourceIp, share.count, record.disposition, record.dkimAligned, record.spfAligned, overrides, record.headerFrom,
          record.envelopeFrom, record.envelopeTo, dkim, spf],
      });
    }
    // Only passing signatures: a forger's made-up selector must not become a key we audit.
    for (const d of record.dkim) if (d.selector && d.result === 'pass') selectors.add(`${d.domain}\u0000${d.selector}`);
  }
  for (const pair of selectors) {
    const [domain, selector] = pair.split('\u0000') as [string, string];
    statements.push({
      sql: `INSERT INTO dmarc_selectors (domain, selector, first_seen, last_seen) VALUES (?, ?, ?, ?)
            ON CONFLICT (domain, selector) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen)`,
      params: [domain, selector, report.end, report.end],
    });
  }
  return statements;
}

/** Stores an SMTP TLS report unless it is already kept (same org, report id, first policy domain and span). */
export async function storeTls(db: Sql, report: TlsReport, receivedAt: number): Promise<{ status: 'stored' | 'duplicate'; id: number }> {
  const domain = report.policies[0]?.policyDomain ?? '';
  const key = [report.org, report.reportId, domain, report.begin, report.end];
  const find = () => db.first<{ id: number }>('SELECT id FROM tls_reports WHERE org = ? AND report_id = ? AND domain = ? AND begin_at = ? AND end_at = ?', key);
  const existing = await find();
  if (existing) return { status: 'duplicate', id: existing.id };
  const successful = report.policies.reduce((sum, p) => sum + p.successfulSessions, 0);
  const failed = report.policies.reduce((sum, p) => sum + p.failedSessions, 0);
  const statements: Statement[] = [
    {
      sql: 'INSERT INTO tls_reports (org, email, report_id, domain, begin_at, end_at, policies, successful, failed, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      params: [report.org, report.email, report.reportId, domain, report.begin, report.end, report.policies.length, successful, failed, receivedAt],
    },
    ...report.policies.map((p) => ({
      sql: `INSERT INTO tls_policies (report, policy_type, policy_domain, mx_hosts, successful, failed, failures)
            VALUES ((SELECT id FROM tls_reports WHERE org = ? AND report_id = ? AND domain = ? AND begin_at = ? AND end_at = ?), ?, ?, ?, ?, ?, ?)`,
      params: [...key, p.policyType, p.policyDomain, JSON.stringify(p.mxHosts), p.successfulSessions, p.failedSessions, JSON.stringify(p.failures)],
    })),
  ];
  await db.batch(statements);
  return { status: 'stored', id: (await find())?.id ?? 0 };
}

/**
 * Stores a failure report unless the same one came before. Reporters resend, and one failed message can
 * reach us in several report messages; what identifies the event is the report's own fields, so two reports
 * agreeing on all of them are one. Without an arrival date or the failed message's Message-ID the fields are
 * too thin to tell two events apart, and such a report is always stored.
 */
export async function storeFailure(db: Sql, report: FailureReport, receivedAt: number): Promise<{ status: 'stored' | 'duplicate'; id: number }> {
  const key = failureContentKey(report);
  const result = await db.run(
    `INSERT OR IGNORE INTO failure_reports (domain, auth_failure, source_ip, arrival_at, mail_from, rcpt_to, delivery_result, dkim_domain, dkim_selector, identity_alignment,
       authentication_results, user_agent, subject, from_header, message_id, content_key, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [report.reportedDomain, report.authFailure, report.sourceIp, report.arrivalDate, report.originalMailFrom, report.originalRcptTo, report.deliveryResult,
      report.dkimDomain, report.dkimSelector, report.identityAlignment, report.authenticationResults, report.userAgent, report.subject, report.from, report.messageId,
      key, receivedAt],
  );
  if (result.changes > 0) return { status: 'stored', id: result.lastRowId };
  const existing = await db.first<{ id: number }>('SELECT id FROM failure_reports WHERE content_key = ?', [key]);
  return { status: 'duplicate', id: existing?.id ?? 0 };
}

function failureContentKey(report: FailureReport): string | null {
  if (report.arrivalDate === null && report.messageId === null) return null;
  return JSON.stringify([report.reportedDomain, report.authFailure, report.sourceIp, report.arrivalDate, report.messageId, report.originalMailFrom,
    report.originalRcptTo, report.dkimDomain, report.dkimSelector, report.subject, report.from]);
}

export interface IntakeEntry {
  receivedAt: number;
  source: IntakeSource;
  name: string;
  sha256: string;
  size: number;
  status: IntakeStatus;
  kind: ReportKind | null;
  storedId: number | null;
  error: string | null;
  /** Kept only for files that failed to parse and were safe to keep. */
  content: Uint8Array | null;
}

export async function recordIntake(db: Sql, entry: IntakeEntry): Promise<void> {
  await db.run(
    'INSERT INTO report_intake (received_at, source, name, sha256, size, status, kind, stored_id, error, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [entry.receivedAt, entry.source, entry.name, entry.sha256, entry.size, entry.status, entry.kind, entry.storedId, entry.error, entry.content],
  );
}

/** Whether a file with these exact bytes was already taken in (stored, a duplicate, or rejected). */
export async function intakeSeen(db: Sql, sha256: string): Promise<boolean> {
  return (await db.first('SELECT 1 AS seen FROM report_intake WHERE sha256 = ? LIMIT 1', [sha256])) !== undefined;
}

export interface RejectedFile {
  id: number;
  receivedAt: number;
  source: IntakeSource;
  name: string;
  size: number;
  error: string;
  /** Whether the content is kept (not for unsafe files). */
  kept: boolean;
}

/** Files that could not be read as reports, newest first: shown so a broken reporter is noticed. */
export async function listRejected(db: Sql, options: { since?: number; limit?: number } = {}): Promise<RejectedFile[]> {
  const rows = await db.all<{ id: number; received_at: number; source: IntakeSource; name: string; size: number; error: string; kept: number }>(
    `SELECT id, received_at, source, name, size, error, content IS NOT NULL AS kept FROM report_intake
     WHERE status = 'rejected' AND received_at >= ? ORDER BY received_at DESC, id DESC LIMIT ?`,
    [options.since ?? 0, options.limit ?? 100],
  );
  return rows.map((r) => ({ id: r.id, receivedAt: r.received_at, source: r.source, name: r.name, size: r.size, error: r.error, kept: r.kept === 1 }));
}

export interface StoredAggregate {
  id: number;
  org: string;
  email: string | null;
  reportId: string;
  domain: string;
  begin: number;
  end: number;
  schema: string;
  generator: string | null;
  errors: string[];
  policy: { p: string | null; sp: string | null; np: string | null; pct: number | null; adkim: string | null; aspf: string | null; testing: boolean | null; discoveryMethod: string | null };
  records: number;
  messages: number;
  receivedAt: number;
}

interface AggregateRow {
  id: number;
  org: string;
  email: string | null;
  report_id: string;
  domain: string;
  begin_at: number;
  end_at: number;
  schema: string;
  generator: string | null;
  errors: string;
  p: string | null;
  sp: string | null;
  np: string | null;
  pct: number | null;
  adkim: string | null;
  aspf: string | null;
  testing: number | null;
  discovery_method: string | null;
  records: number;
  messages: number;
  received_at: number;
}

/** Aggregate reports whose span overlaps [from, to), optionally for one policy domain, newest first. */
export async function listAggregates(db: Sql, query: { domain?: string; from: number; to: number; limit?: number }): Promise<StoredAggregate[]> {
  const params: SqlValue[] = [query.to, query.from];
  let where = 'begin_at < ? AND end_at >= ?';
  if (query.domain !== undefined) {
    where = `domain = ? AND ${where}`;
    params.unshift(query.domain);
  }
  const rows = await db.all<AggregateRow>(`SELECT * FROM dmarc_reports WHERE ${where} ORDER BY begin_at DESC, id DESC LIMIT ?`, [...params, query.limit ?? 500]);
  return rows.map((r) => ({
    id: r.id,
    org: r.org,
    email: r.email,
    reportId: r.report_id,
    domain: r.domain,
    begin: r.begin_at,
    end: r.end_at,
    schema: r.schema,
    generator: r.generator,
    errors: JSON.parse(r.errors) as string[],
    policy: { p: r.p, sp: r.sp, np: r.np, pct: r.pct, adkim: r.adkim, aspf: r.aspf, testing: r.testing === null ? null : r.testing === 1, discoveryMethod: r.discovery_method },
    records: r.records,
    messages: r.messages,
    receivedAt: r.received_at,
  }));
}

export interface StoredTls {
  id: number;
  org: string;
  reportId: string;
  domain: string;
  begin: number;
  end: number;
  policies: Array<{ policyType: string; policyDomain: string; mxHosts: string[]; successful: number; failed: number; failures: TlsFailure[] }>;
  successful: number;
  failed: number;
  receivedAt: number;
}

export async function listTls(db: Sql, query: { domain?: string; from: number; to: number; limit?: number }): Promise<StoredTls[]> {
  const params: SqlValue[] = [query.to, query.from];
  let where = 'begin_at < ? AND end_at >= ?';
  if (query.domain !== undefined) {
    where = `domain = ? AND ${where}`;
    params.unshift(query.domain);
  }
  const reports = await db.all<{ id: number; org: string; report_id: string; domain: string; begin_at: number; end_at: number; successful: number; failed: number; received_at: number }>(
    `SELECT id, org, report_id, domain, begin_at, end_at, successful, failed, received_at FROM tls_reports WHERE ${where} ORDER BY begin_at DESC, id DESC LIMIT ?`,
    [...params, query.limit ?? 500],
  );
  const out: StoredTls[] = [];
  for (const r of reports) {
    const policies = await db.all<{ policy_type: string; policy_domain: string; mx_hosts: string; successful: number; failed: number; failures: string }>(
      'SELECT policy_type, policy_domain, mx_hosts, successful, failed, failures FROM tls_policies WHERE report = ?',
      [r.id],
    );
    out.push({
      id: r.id,
      org: r.org,
      reportId: r.report_id,
      domain: r.domain,
      begin: r.begin_at,
      end: r.end_at,
      successful: r.successful,
      failed: r.failed,
      receivedAt: r.received_at,
      policies: policies.map((p) => ({
        policyType: p.policy_type,
        policyDomain: p.policy_domain,
        mxHosts: JSON.parse(p.mx_hosts) as string[],
        successful: p.successful,
        failed: p.failed,
        failures: JSON.parse(p.failures) as TlsFailure[],
      })),
    });
  }
  return out;
}

export interface StoredFailure {
  id: number;
  domain: string;
  authFailure: string;
  sourceIp: string | null;
  arrivalAt: number | null;
  mailFrom: string | null;
  deliveryResult: string | null;
  dkimDomain: string | null;
  dkimSelector: string | null;
  identityAlignment: string | null;
  subject: string | null;
  from: string | null;
  messageId: string | null;
  receivedAt: number;
}

export async function listFailures(db: Sql, query: { domain?: string; from: number; to: number; limit?: number }): Promise<StoredFailure[]> {
  const params: SqlValue[] = [query.from, query.to];
  let where = 'received_at >= ? AND received_at < ?';
  if (query.domain !== undefined) {
    where = `domain = ? AND ${where}`;
    params.unshift(query.domain);
  }
  const rows = await db.all<Record<string, string | number | null>>(`SELECT * FROM failure_reports WHERE ${where} ORDER BY received_at DESC, id DESC LIMIT ?`, [...params, query.limit ?? 500]);
  return rows.map((r) => ({
    id: r.id as number,
    domain: r.domain as string,
    authFailure: r.auth_failure as string,
    sourceIp: r.source_ip as string | null,
    arrivalAt: r.arrival_at as number | null,
    mailFrom: r.mail_from as string | null,
    deliveryResult: r.delivery_result as string | null,
    dkimDomain: r.dkim_domain as string | null,
    dkimSelector: r.dkim_selector as string | null,
    identityAlignment: r.identity_alignment as string | null,
    subject: r.subject as string | null,
    from: r.from_header as string | null,
    messageId: r.message_id as string | null,
    receivedAt: r.received_at as number,
  }));
}

export interface SourceSummary {
  ip: string;
  messages: number;
  /** Messages that passed DMARC: SPF or DKIM aligned and passing. */
  passed: number;
  passRate: number;
  spfFailed: number;
  dkimFailed: number;
  quarantined: number;
  rejected: number;
  overridden: number;
  /** Failing messages the receiver let through: what `p=reject` would have turned away. */
  wouldReject: number;
  ptr: string | null;
  fcrdns: boolean | null;
  baseDomain: string | null;
  /** A known sender named by the PTR (e.g. "Google", "Amazon SES"). */
  label: string | null;
  /** Reverse DNS not looked up yet, or the lookup failed. */
  enrichment: 'ok' | 'error' | 'pending';
}

interface SourceRow {
  ip: string;
  messages: number;
  passed: number;
  spf_failed: number;
  dkim_failed: number;
  quarantined: number;
  rejected: number;
  overridden: number;
  would_reject: number;
  ptr: string | null;
  fcrdns: number | null;
  base_domain: string | null;
  label: string | null;
  status: 'ok' | 'error' | null;
}

/** Keep in step with the roll-ups of migration 0022, which count passes the same way. */
const PASSED = "(dkim_aligned = 'pass' OR spf_aligned = 'pass')";
/** Rows the receiver let through as forwarded or list mail (a policy override): they fail DMARC without being spoofing. */
const FORWARDED = `(overrides LIKE '%"type":"forwarded"%' OR overrides LIKE '%"type":"trusted_forwarder"%' OR overrides LIKE '%"type":"mailing_list"%')`;

/**
 * Per source IP for one policy domain over [from, to): volume, DMARC pass rate, failures by mechanism, what
 * p=reject would drop. Summed from the per-source days of migration 0022, then joined to the enrichment once
 * per source.
 */
export async function sourcesFor(db: Sql, query: { domain: string; from: number; to: number }): Promise<SourceSummary[]> {
  const rows = await db.all<SourceRow>(
    `SELECT g.*, s.ptr, s.fcrdns, s.base_domain, s.label, s.status FROM (
       SELECT source_ip AS ip, SUM(messages) AS messages, SUM(passed) AS passed, SUM(spf_failed) AS spf_failed, SUM(dkim_failed) AS dkim_failed,
         SUM(quarantined) AS quarantined, SUM(rejected) AS rejected, SUM(overridden) AS overridden, SUM(would_reject) AS would_reject
       FROM dmarc_source_daily WHERE domain = ? AND day >= ? AND day < ? GROUP BY source_ip
     ) g LEFT JOIN report_sources s ON s.ip = g.ip
     ORDER BY g.messages DESC, g.ip`,
    [query.domain, query.from, query.to],
  );
  return rows.map((r) => ({
    ip: r.ip,
    messages: r.messages,
    passed: r.passed,
    passRate: r.messages === 0 ? 1 : r.passed / r.messages,
    spfFailed: r.spf_failed,
    dkimFailed: r.dkim_failed,
    quarantined: r.quarantined,
    rejected: r.rejected,
    overridden: r.overridden,
    wouldReject: r.would_reject,
    ptr: r.ptr,
    fcrdns: r.fcrdns === null ? null : r.fcrdns === 1,
    baseDomain: r.base_domain,
    label: r.label,
    enrichment: r.status ?? 'pending',
  }));
}

/** Policy overrides receivers applied (forwarded, mailing_list, local_policy, ...) with the messages each covered. */
export async function overridesFor(db: Sql, query: { domain: string; from: number; to: number }): Promise<Array<{ type: string; messages: number }>> {
  const rows = await db.all<{ overrides: string; messages: number }>(
    "SELECT overrides, SUM(count) AS messages FROM dmarc_rows WHERE domain = ? AND day >= ? AND day < ? AND overrides <> '[]' GROUP BY overrides",
    [query.domain, query.from, query.to],
  );
  const byType = new Map<string, number>();
  for (const row of rows) {
    for (const override of JSON.parse(row.overrides) as Array<{ type: string }>) byType.set(override.type, (byType.get(override.type) ?? 0) + row.messages);
  }
  return [...byType].map(([type, messages]) => ({ type, messages })).sort((a, b) => b.messages - a.messages);
}

/** Messages and DMARC passes per UTC day for one policy domain: the series a pass-rate chart or drop rule reads. */
export async function passRateByDay(db: Sql, query: { domain: string; from: number; to: number }): Promise<Array<{ day: number; messages: number; passed: number }>> {
  return db.all('SELECT day, messages, passed FROM dmarc_daily WHERE domain = ? AND day >= ? AND day < ? ORDER BY day', [query.domain, query.from, query.to]);
}

/** The newest UTC day any stored report row covers for a domain (reports lag, so not necessarily today). */
export async function newestReportDay(db: Sql, domain: string): Promise<number | undefined> {
  const row = await db.first<{ day: number }>('SELECT day FROM dmarc_rows WHERE domain = ? ORDER BY day DESC LIMIT 1', [domain]);
  return row?.day;
}

/** The oldest UTC day any stored report row covers for a domain: when its reporting began. */
export async function oldestReportDay(db: Sql, domain: string): Promise<number | undefined> {
  const row = await db.first<{ day: number }>('SELECT day FROM dmarc_rows WHERE domain = ? ORDER BY day LIMIT 1', [domain]);
  return row?.day;
}

export interface ReportDomain {
  domain: string;
  /** Aggregate and TLS reports stored for the domain, ever. */
  aggregateReports: number;
  tlsReports: number;
  /** When the last report of either kind arrived. */
  lastReceivedAt: number;
  /** Aggregate report messages on the report days in [from, to), and how many passed DMARC. */
  messages: number;
  passed: number;
}

/** Every domain reports arrived for, with its volume and DMARC passes in a period: the reports view's picker. */
export async function reportDomains(db: Sql, query: { from: number; to: number }): Promise<ReportDomain[]> {
  const rows = await db.all<ReportDomain>(
    `SELECT domain, aggregate_reports AS aggregateReports, tls_reports AS tlsReports, last_received_at AS lastReceivedAt,
       COALESCE((SELECT SUM(messages) FROM dmarc_daily d WHERE d.domain = r.domain AND d.day >= ? AND d.day < ?), 0) AS messages,
       COALESCE((SELECT SUM(passed) FROM dmarc_daily d WHERE d.domain = r.domain AND d.day >= ? AND d.day < ?), 0) AS passed
     FROM report_domains r WHERE aggregate_reports + tls_reports > 0`,
    [query.from, query.to, query.from, query.to],
  );
  return rows.sort((a, b) => a.domain.localeCompare(b.domain));
}

/**
 * Per source IP and UTC day over [from, to): messages, those failing DMARC (neither aligned SPF nor aligned DKIM
 * passed), and of those the ones the receiver judged forwarded or mailing-list mail.
 */
export async function sourceDays(
  db: Sql,
  query: { domain: string; from: number; to: number },
): Promise<Array<{ ip: string; day: number; messages: number; failed: number; forwarded: number; spfFailed: number; dkimFailed: number }>> {
  return db.all(
    `SELECT source_ip AS ip, day, SUM(count) AS messages, SUM(CASE WHEN NOT ${PASSED} THEN count ELSE 0 END) AS failed,
       SUM(CASE WHEN NOT ${PASSED} AND ${FORWARDED} THEN count ELSE 0 END) AS forwarded,
       SUM(CASE WHEN spf_aligned <> 'pass' THEN count ELSE 0 END) AS spfFailed, SUM(CASE WHEN dkim_aligned <> 'pass' THEN count ELSE 0 END) AS dkimFailed
     FROM dmarc_rows WHERE domain = ? AND day >= ? AND day < ? GROUP BY source_ip, day ORDER BY source_ip, day`,
    [query.domain, query.from, query.to],
  );
}

/** The last UTC day in [from, to) on which a source sent as the domain, if any (index dmarc_rows_by_source). */
export async function lastSourceDay(db: Sql, query: { domain: string; ip: string; from: number; to: number }): Promise<number | undefined> {
  const row = await db.first<{ day: number }>('SELECT day FROM dmarc_rows WHERE domain = ? AND source_ip = ? AND day >= ? AND day < ? ORDER BY day DESC LIMIT 1', [
    query.domain,
    query.ip,
    query.from,
    query.to,
  ]);
  return row?.day;
}

/** What enrichment knows of a source IP; undefined when it was never looked up. */
export async function sourceInfo(db: Sql, ip: string): Promise<SourceInfo | undefined> {
  const row = await db.first<{ status: 'ok' | 'error'; ptr: string | null; fcrdns: number | null; base_domain: string | null; label: string | null; error: string | null; checked_at: number }>(
    'SELECT status, ptr, fcrdns, base_domain, label, error, checked_at FROM report_sources WHERE ip = ?',
    [ip],
  );
  if (!row) return undefined;
  return { ip, status: row.status, ptr: row.ptr, fcrdns: row.fcrdns === null ? null : row.fcrdns === 1, baseDomain: row.base_domain, label: row.label, error: row.error, checkedAt: row.checked_at };
}

/** When the last aggregate report for each policy domain arrived: "reports stopped" reads this. */
export async function lastReportArrivals(db: Sql): Promise<Map<string, number>> {
  const rows = await db.all<{ domain: string; at: number }>('SELECT domain, MAX(received_at) AS at FROM dmarc_reports GROUP BY domain');
  return new Map(rows.map((r) => [r.domain, r.at]));
}

/** DKIM selectors receivers saw signing for a domain. */
export async function selectorsSeen(db: Sql, domain: string): Promise<string[]> {
  const rows = await db.all<{ selector: string }>('SELECT selector FROM dmarc_selectors WHERE domain = ? ORDER BY selector', [domain]);
  return rows.map((r) => r.selector);
}

export interface SourceInfo {
  ip: string;
  status: 'ok' | 'error';
  ptr: string | null;
  fcrdns: boolean | null;
  baseDomain: string | null;
  label: string | null;
  error: string | null;
  checkedAt: number;
}

/** Of these IPs, those with no usable enrichment: never looked up, or a failed lookup older than `retryBefore`. */
export async function sourcesNeedingLookup(db: Sql, ips: readonly string[], retryBefore: number): Promise<string[]> {
  const need: string[] = [];
  for (const ip of ips) {
    const row = await db.first<{ status: string; checked_at: number }>('SELECT status, checked_at FROM report_sources WHERE ip = ?', [ip]);
    if (!row || (row.status === 'error' && row.checked_at < retryBefore)) need.push(ip);
  }
  return need;
}

export async function saveSource(db: Sql, info: SourceInfo): Promise<void> {
  await db.run(
    `INSERT INTO report_sources (ip, status, ptr, fcrdns, base_domain, label, error, first_seen, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (ip) DO UPDATE SET status = excluded.status, ptr = excluded.ptr, fcrdns = excluded.fcrdns, base_domain = excluded.base_domain,
       label = excluded.label, error = excluded.error, checked_at = excluded.checked_at`,
    [info.ip, info.status, info.ptr, info.fcrdns === null ? null : Number(info.fcrdns), info.baseDomain, info.label, info.error, info.checkedAt, info.checkedAt],
  );
}

/** Where the mailbox reader stopped: messages above `lastUid` (under this UIDVALIDITY) are new. */
export async function mailboxState(db: Sql, mailbox: string): Promise<{ uidValidity: string; lastUid: number } | undefined> {
  const row = await db.first<{ uid_validity: string; last_uid: number }>('SELECT uid_validity, last_uid FROM report_mailbox_state WHERE mailbox = ?', [mailbox]);
  return row ? { uidValidity: row.uid_validity, lastUid: row.last_uid } : undefined;
}

export async function saveMailboxState(db: Sql, mailbox: string, state: { uidValidity: string; lastUid: number }): Promise<void> {
  await db.run(
    `INSERT INTO report_mailbox_state (mailbox, uid_validity, last_uid) VALUES (?, ?, ?)
     ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid`,
    [mailbox, state.uidValidity, state.lastUid],
  );
}

/** Sources whose reverse lookup failed before `before`: the scheduled run tries them again. */
export async function failedSources(db: Sql, before: number): Promise<string[]> {
  const rows = await db.all<{ ip: string }>("SELECT ip FROM report_sources WHERE status = 'error' AND checked_at < ? ORDER BY checked_at LIMIT 500", [before]);
  return rows.map((r) => r.ip);
}

/** The stored content of a file that failed to parse, for inspection; undefined when none is kept. */
export async function rejectedContent(db: Sql, id: number): Promise<{ name: string; content: Uint8Array } | undefined> {
  const row = await db.first<{ name: string; content: Uint8Array | null }>("SELECT name, content FROM report_intake WHERE id = ? AND status = 'rejected'", [id]);
  return row?.content ? { name: row.name, content: row.content } : undefined;
}

/** The policy domains reports have been stored for. */
export async function reportedDomains(db: Sql): Promise<string[]> {
  const rows = await db.all<{ domain: string }>('SELECT DISTINCT domain FROM dmarc_reports ORDER BY domain');
  return rows.map((r) => r.domain);
}
