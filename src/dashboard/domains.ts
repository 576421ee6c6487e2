import { listAuditedDomains, listAudits, type StoredAudit } from '../audit/store.js';
import { AREAS } from '../audit/render.js';
import type { Check, CheckStatus } from '../audit/types.js';
import type { Sql } from '../store/sql.js';

const SEVERITY: Record<CheckStatus, number> = { fail: 0, error: 1, warn: 2, info: 3, pass: 4 };
const bySeverity = (a: Check, b: Check) => SEVERITY[a.status] - SEVERITY[b.status];

export interface DomainCard {
  domain: string;
  lastAudit: StoredAudit;
  /** The worst findings of the latest audit (fail, error, warn), worst first. */
  findings: Check[];
}

/** Each audited domain with its latest audit's grade and its worst findings. */
export async function domainCards(db: Sql, worstFindings: number): Promise<DomainCard[]> {
  const domains = await listAuditedDomains(db);
  if (domains.length === 0) return [];
  const ids = domains.map((d) => d.lastAudit.id);
  const rows = await db.all<{ audit_id: number; check_id: string; subject: string | null; status: CheckStatus; message: string; remediation: string | null }>(
    `SELECT audit_id, check_id, subject, status, message, remediation FROM audit_checks
      WHERE audit_id IN (${ids.map(() => '?').join(',')}) AND status IN ('fail', 'error', 'warn')`,
    ids,
  );
  return domains.map((d) => ({
    domain: d.domain,
    lastAudit: d.lastAudit,
    findings: rows
      .filter((r) => r.audit_id === d.lastAudit.id)
      .map((r) => ({ id: r.check_id, subject: r.subject, status: r.status, message: r.message, remediation: r.remediation, evidence: {} }))
      .sort(bySeverity)
      .slice(0, worstFindings),
  }));
}

export interface AreaFindings {
  area: string;
  title: string;
  checks: Check[];
}

/** A domain's latest audit with its checks grouped by area (SPF, DKIM, ...), worst first within each. */
export async function latestAuditByArea(db: Sql, domain: string): Promise<{ audit: StoredAudit; areas: AreaFindings[] } | undefined> {
  const [latest] = await listAudits(db, domain, { limit: 1 });
  if (!latest) return undefined;
  const { checks, ...audit } = latest;
  const areas = AREAS.map(([area, title]) => ({ area, title, checks: checks.filter((c) => c.id.split('.')[0] === area).sort(bySeverity) }));
  const known = new Set(AREAS.map(([area]) => area));
  const other = checks.filter((c) => !known.has(c.id.split('.')[0] ?? ''));
  return { audit, areas: [...areas, { area: 'other', title: 'Other', checks: other }].filter((a) => a.checks.length > 0) };
}
