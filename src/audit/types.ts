/** What every audit check reports. Pure data, shared by the CLI, the store and the API. */

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'error' | 'info';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Check {
  /** Stable id users script against, e.g. `spf.lookups`. */
  id: string;
  /** What a per-item check is about (a DKIM selector, a sending IP); null for domain-wide checks. */
  subject: string | null;
  /** `error` means "could not determine" (DNS timeout, SERVFAIL): never a pass or a fail. */
  status: CheckStatus;
  message: string;
  /** How to fix it; present for warn and fail. */
  remediation: string | null;
  /** The records seen and anything else the verdict rests on. */
  evidence: { [key: string]: Json };
}

/**
 * DNS record sets seen during an audit, keyed by kind (`spf`, `dmarc`, `dkim:selector1`, `mx`, ...).
 * A value of null means the lookup failed, so the set is unknown and must not be read as "removed".
 */
export type RecordSets = Record<string, RecordSet>;

export interface RecordSet {
  /** The DNS name queried. */
  name: string;
  /** The records, normalised and sorted, or null when the lookup failed. */
  records: string[] | null;
}

export interface DomainAudit {
  domain: string;
  startedAt: number;
  finishedAt: number;
  checks: Check[];
  records: RecordSets;
}

const ORDER: Record<CheckStatus, number> = { pass: 0, info: 0, warn: 1, error: 2, fail: 3 };

/** The worst status among checks, for summaries: fail > error > warn > pass/info. */
export function worstStatus(statuses: Iterable<CheckStatus>): CheckStatus {
  let worst: CheckStatus = 'pass';
  for (const status of statuses) if (ORDER[status] > ORDER[worst]) worst = status;
  return worst;
}

export function countStatuses(checks: readonly Check[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, error: 0, info: 0 };
  for (const check of checks) counts[check.status]++;
  return counts;
}

/** Builds a check; remediation is dropped for pass/info/error so only actionable findings carry a fix. */
export function check(
  id: string,
  status: CheckStatus,
  message: string,
  options: { subject?: string | null; remediation?: string; evidence?: { [key: string]: Json } } = {},
): Check {
  const actionable = status === 'warn' || status === 'fail';
  return {
    id,
    subject: options.subject ?? null,
    status,
    message,
    remediation: actionable ? (options.remediation ?? null) : null,
    evidence: options.evidence ?? {},
  };
}
