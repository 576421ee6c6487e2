import type { Resolver } from '../dns/types.js';
import { reportArrivalCheck } from './report-arrivals.js';
import { lastReportArrivals, selectorsSeen } from '../reports/store.js';
import type { Job } from '../jobs/types.js';
import { auditDomains } from './audit-domains.js';
import type { PolicyFetcher } from './mta-sts.js';
import { pruneAudits, saveAudit } from './store.js';
import { targetFor } from './targets.js';
import type { AuditToolkit } from './toolkit.js';
import { countStatuses } from './types.js';

export interface AuditJobDeps {
  /** Makes the run's MTA-STS policy fetcher; the runtime supplies its HTTPS client. */
  policyFetcher: (context: { resolver: Resolver; timeoutMs: number; allowPrivateAddresses: boolean }) => PolicyFetcher;
  toolkit: AuditToolkit;
}

/** The scheduled audit of every configured domain. */
export function createAuditJob(deps: AuditJobDeps): Job {
  return {
    name: 'audit',
    description: 'audit the DNS authentication of every configured domain and record record-set changes',
    idleReason: (config) => (config.domains.length === 0 ? 'no domains configured' : undefined),
    async run({ config, db, resolver, log, signal, now, runId }) {
      // Selectors receivers saw in DMARC reports are audited too, so keys nobody configured are checked.
      const targets = await Promise.all(config.domains.map(async (d) => targetFor(config, d.name, { selectors: await selectorsSeen(db, d.name.toLowerCase().replace(/\.$/, '')) })));
      if (targets.length === 0) return { summary: 'no domains configured', details: { domains: [] } };
      const fetchPolicy = deps.policyFetcher({ resolver, timeoutMs: config.audit.policyTimeout, allowPrivateAddresses: config.audit.allowPrivateAddresses });
      const audits = await auditDomains(targets, { resolver, fetchPolicy, toolkit: deps.toolkit, discoverSelectors: config.audit.discoverSelectors, now }, config.audit.concurrency, signal);
      const arrivals = await lastReportArrivals(db);
      const reportAddress = config.reports.address;
      if (reportAddress !== undefined) {
        for (const audit of audits) {
          const arrival = reportArrivalCheck({ audit, address: reportAddress, lastArrival: arrivals.get(audit.domain), now: now(), missingAfter: config.reports.missingAfter });
          if (arrival) audit.checks.push(arrival);
        }
      }
      const details = [];
      let findings = 0;
      let undetermined = 0;
      let changes = 0;
      for (const audit of audits) {
        const saved = await saveAudit(db, audit, runId);
        const counts = countStatuses(audit.checks);
        findings += counts.fail + counts.warn;
        changes += saved.changes.length;
        for (const change of saved.changes) log.info('DNS record change', { domain: audit.domain, kind: change.kind, change: change.change, name: change.name });
        const unknown = audit.checks.filter((c) => c.status === 'error');
        undetermined += unknown.length;
        if (unknown.length > 0) log.warn('audit checks could not be determined', { domain: audit.domain, checks: unknown.map((c) => c.id), first: unknown[0]?.message });
        details.push({ domain: audit.domain, auditId: saved.auditId, counts, changes: saved.changes });
      }
      const pruned = await pruneAudits(db, now() - config.retention.audits);
      if (pruned > 0) log.info('pruned audits past retention', { pruned });
      const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
      return {
        summary: `${plural(audits.length, 'domain')} audited, ${plural(findings, 'finding')}, ${plural(undetermined, 'check')} undetermined, ${plural(changes, 'record change')}`,
        details: { domains: details },
      };
    },
  };
}
