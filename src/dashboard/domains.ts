import { latestAudits, listAudits, type StoredAudit } from '../audit/store.js';
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
  return (await latestAudits(db)).map(({ checks, ...audit }) => ({
    domain: audit.domain,
    lastAudit: audit,
    findings: checks
      .filter((c) => c.status === 'fail' || c.status === 'error' || c.status === 'warn')
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
