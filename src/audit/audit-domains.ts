import type { Resolver } from '../dns/types.js';
import { auditBimi, type DmarcForBimi } from './bimi.js';
import { auditDkim } from './dkim.js';
import { limitInFlight } from './limit.js';
import { auditDmarc } from './dmarc.js';
import { auditMx } from './mx.js';
import { collectMtaSts, judgeMtaSts, mtaStsRecords, type PolicyFetcher } from './mta-sts.js';
import { auditPtr } from './ptr.js';
import { bulkSenderCheck } from './requirements.js';
import { auditSpf } from './spf.js';
import { auditTlsRpt } from './tls-rpt.js';
import type { AuditToolkit } from './toolkit.js';
import { check, type DomainAudit } from './types.js';

export interface AuditTarget {
  domain: string;
  /** Selectors the domain's signers use; checked whether or not discovery finds them. */
  selectors: readonly string[];
  /** Sending IPs whose reverse DNS is checked. */
  sendingIps: readonly string[];
}

export interface AuditDeps {
  resolver: Resolver;
  fetchPolicy: PolicyFetcher;
  /** mailauth's checks (DKIM keys, MTA-STS policy files, BIMI), from the runtime. */
  toolkit: AuditToolkit;
  /** Also try the common selectors (default, google, selector1, ...). */
  discoverSelectors: boolean;
  now: () => number;
}

/**
 * Audits one domain. Every area starts at once and only waits where a verdict needs another area's answer
 * (MTA-STS needs the MX hosts, BIMI the DMARC policy, TLS-RPT whether MTA-STS is published).
 */
export async function auditDomain(target: AuditTarget, deps: AuditDeps): Promise<DomainAudit> {
  const { resolver } = deps;
  const domain = target.domain.toLowerCase().replace(/\.$/, '');
  const startedAt = deps.now();
  const spf = auditSpf(resolver, domain);
  const dmarc = auditDmarc(resolver, domain);
  const dkim = auditDkim(resolver, domain, target.selectors, deps.discoverSelectors, deps.toolkit);
  const mx = auditMx(resolver, domain);
  const sts = collectMtaSts(resolver, domain, deps.fetchPolicy);
  const tlsRpt = auditTlsRpt(resolver, domain, sts.then((s) => s.records.length > 0));
  const dmarcForBimi = dmarc.then(
    (d): DmarcForBimi => (d.discovery.unknown && !d.record ? { known: false } : { known: true, record: d.record, effective: d.effectivePolicy }),
  );
  const bimi = auditBimi(resolver, domain, dmarcForBimi, deps.toolkit);
  const ptr = auditPtr(resolver, target.sendingIps);

  const [spfR, dkimR, dmarcR, mxR, stsR, tlsR, bimiR, ptrR] = await Promise.all([spf, dkim, dmarc, mx, sts, tlsRpt, bimi, ptr]);
  const checks = [
    ...spfR.checks,
    ...dkimR.checks,
    ...dmarcR.checks,
    ...mxR.checks,
    ...judgeMtaSts(stsR, mxR.hosts, deps.toolkit),
    tlsR.check,
    bimiR.check,
    ...ptrR.checks,
  ];
  checks.push(bulkSenderCheck(checks));
  return {
    domain,
    startedAt,
    finishedAt: deps.now(),
    checks,
    records: { ...spfR.records, ...dkimR.records, ...dmarcR.records, ...mxR.records, ...mtaStsRecords(stsR), ...tlsR.records, ...bimiR.records, ...ptrR.records },
  };
}

/**
 * One domain's audit, its failure kept to itself: records are data and each area turns bad data into findings,
 * so an exception here is our own bug; it becomes an `audit.complete` error for this domain alone, and no
 * record set is touched, so no change event fires.
 */
async function auditContained(target: AuditTarget, deps: AuditDeps): Promise<DomainAudit> {
  const startedAt = deps.now();
  try {
    return await auditDomain(target, deps);
  } catch (error) {
    const message = `the audit of ${target.domain} stopped on an internal error, so nothing was judged: ${(error as Error).message}`;
    return { domain: target.domain.toLowerCase().replace(/\.$/, ''), startedAt, finishedAt: deps.now(), checks: [check('audit.complete', 'error', message)], records: {} };
  }
}

/** DNS questions in flight across all domains of a run; see limitInFlight. */
export const MAX_DNS_IN_FLIGHT = 64;

/** Audits several domains, `concurrency` at a time, in the order given. */
export async function auditDomains(targets: readonly AuditTarget[], deps: AuditDeps, concurrency: number, signal?: AbortSignal): Promise<DomainAudit[]> {
  deps = { ...deps, resolver: limitInFlight(deps.resolver, MAX_DNS_IN_FLIGHT) };
  const results: DomainAudit[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length && !signal?.aborted) {
      const index = next++;
      results[index] = await auditContained(targets[index] as AuditTarget, deps);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, targets.length)) }, worker));
  return results.filter((r) => r !== undefined);
}
