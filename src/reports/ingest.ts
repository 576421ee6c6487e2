import type { Resolver } from '../dns/types.js';
import type { Logger } from '../log.js';
import type { Sql } from '../store/sql.js';
import { decodeReport } from './decode-report.js';
import { enrichSource } from './enrich.js';
import { parseFailureReport } from './failure.js';
import { failedSources, intakeSeen, recordIntake, saveSource, sourcesNeedingLookup, storeAggregate, storeFailure, storeTls, type IntakeSource, type IntakeStatus } from './store.js';
import { ReportError, type Report, type ReportKind } from './types.js';
import type { Limits } from '../config/report-limits.js';

export interface IngestDeps {
  db: Sql;
  resolver: Resolver;
  log: Logger;
  limits: Limits;
  now: () => number;
}

/** One file's outcome, in the shape `inboxwatch reports import --json` prints. */
export interface IngestOutcome {
  file: string;
  status: IntakeStatus;
  kind: ReportKind | null;
  org: string | null;
  reportId: string | null;
  domain: string | null;
  begin: string | null;
  end: string | null;
  /** Aggregate `record` elements, or TLS-RPT policies. */
  records: number | null;
  /** The sum of their counts (messages, or TLS sessions). */
  messages: number | null;
  error: string | null;
}

/** A file to ingest, or a failure report already taken out of its message. */
export type Incoming = { name: string; source: IntakeSource; bytes: Uint8Array } | { name: string; source: IntakeSource; feedback: string; originalHeaders: string };

// A source whose reverse lookup failed is tried again after this long.
const RETRY_LOOKUP_MS = 3_600_000;
const encoder = new TextEncoder();

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Whether these exact bytes were already taken in, so a folder or mailbox rescan skips them cheaply. */
export async function alreadyTaken(db: Sql, bytes: Uint8Array): Promise<boolean> {
  return intakeSeen(db, await sha256Hex(bytes));
}

/**
 * Decodes, de-duplicates and stores one report, records the intake (a rejected file with its reason and,
 * when safe, its content), then looks up the reverse DNS of source IPs seen for the first time.
 */
export async function ingest(deps: IngestDeps, incoming: Incoming): Promise<IngestOutcome> {
  const bytes = 'bytes' in incoming ? incoming.bytes : encoder.encode(incoming.feedback);
  const sha256 = await sha256Hex(bytes);
  const receivedAt = deps.now();
  const intake = { receivedAt, source: incoming.source, name: incoming.name, sha256, size: bytes.length };
  let report: Report;
  try {
    report = 'bytes' in incoming ? decodeReport(incoming.bytes, deps.limits) : parseFailureReport(incoming.feedback, incoming.originalHeaders);
  } catch (error) {
    if (!(error instanceof ReportError)) throw error;
    const keep = !error.unsafe && bytes.length <= deps.limits.maxCompressedBytes;
    await recordIntake(deps.db, { ...intake, status: 'rejected', kind: null, storedId: null, error: error.message, content: keep ? bytes : null });
    deps.log.warn('report rejected', { file: incoming.name, source: incoming.source, error: error.message });
    return rejectedOutcome(incoming.name, error.message);
  }
  const stored =
    report.kind === 'aggregate' ? await storeAggregate(deps.db, report, receivedAt) : report.kind === 'tls' ? await storeTls(deps.db, report, receivedAt) : await storeFailure(deps.db, report, receivedAt);
  await recordIntake(deps.db, { ...intake, status: stored.status, kind: report.kind, storedId: stored.id, error: null, content: null });
  if (stored.status === 'stored') await enrichNew(deps, sourceIps(report));
  return outcome(incoming.name, stored.status, report);
}

function sourceIps(report: Report): string[] {
  if (report.kind === 'aggregate') return [...new Set(report.records.map((r) => r.sourceIp))];
  if (report.kind === 'failure') return report.sourceIp ? [report.sourceIp] : [];
  return [];
}

/** Looks up each IP not yet known, a few at a time; a failure is stored as such and retried later. */
async function enrichNew(deps: IngestDeps, ips: readonly string[]): Promise<void> {
  await enrichAll(deps, await sourcesNeedingLookup(deps.db, ips, deps.now() - RETRY_LOOKUP_MS));
}

/** Looks the sources up again whose last lookup failed over an hour ago; returns how many were tried. */
export async function retryFailedLookups(deps: IngestDeps): Promise<number> {
  const ips = await failedSources(deps.db, deps.now() - RETRY_LOOKUP_MS);
  await enrichAll(deps, ips);
  return ips.length;
}

async function enrichAll(deps: IngestDeps, pending: readonly string[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const ip = pending[next++] as string;
      await saveSource(deps.db, await enrichSource(deps.resolver, ip, deps.now));
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, pending.length) }, worker));
}

export function rejectedOutcome(file: string, error: string): IngestOutcome {
  return { file, status: 'rejected', kind: null, org: null, reportId: null, domain: null, begin: null, end: null, records: null, messages: null, error };
}

function outcome(file: string, status: IntakeStatus, report: Report): IngestOutcome {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  if (report.kind === 'aggregate') {
    return { file, status, kind: 'aggregate', org: report.org, reportId: report.reportId, domain: report.policy.domain, begin: iso(report.begin), end: iso(report.end),
      records: report.records.length, messages: report.records.reduce((sum, r) => sum + r.count, 0), error: null };
  }
  if (report.kind === 'tls') {
    return { file, status, kind: 'tls', org: report.org, reportId: report.reportId, domain: report.policies[0]?.policyDomain ?? null, begin: iso(report.begin), end: iso(report.end),
      records: report.policies.length, messages: report.policies.reduce((sum, p) => sum + p.successfulSessions + p.failedSessions, 0), error: null };
  }
  return { file, status, kind: 'failure', org: report.userAgent, reportId: null, domain: report.reportedDomain, begin: iso(report.arrivalDate), end: iso(report.arrivalDate),
    records: 1, messages: 1, error: null };
}
