import type { Resolver } from '../dns/types.js';
import type { DmarcRecord } from './dmarc-parse.js';
import type { AuditToolkit } from './toolkit.js';
import { check, type Check, type RecordSet } from './types.js';

export interface BimiResult {
  check: Check;
  records: Record<string, RecordSet>;
}

/** What the BIMI verdict needs to know about DMARC: the record that applies, or that it is unknown. */
export type DmarcForBimi = { known: true; record: DmarcRecord | undefined; effective: string | undefined } | { known: false };

/**
 * The record lookup and its validation are mailauth's (the same code that decides BIMI for received mail),
 * through the runtime's toolkit; the enforcement verdict is ours.
 */
export async function auditBimi(resolver: Resolver, domain: string, dmarcOutcome: Promise<DmarcForBimi>, toolkit: AuditToolkit): Promise<BimiResult> {
  const name = `default._bimi.${domain}`;
  const [result, dmarc] = await Promise.all([toolkit.lookupBimi(resolver, domain), dmarcOutcome]);
  const outcome = result ? result.result : 'none';
  const comment = result ? result.comment : '';
  const rr = result ? result.rr : undefined;
  const records = { bimi: { name, records: lookupFailed(outcome, comment) ? null : rr ? [rr] : [] } };
  const evidence = { name, record: rr ?? null, location: result ? (result.location ?? null) : null, authority: result ? (result.authority ?? null) : null };

  if (outcome === 'none') return { check: check('bimi.record', 'info', `no BIMI record at ${name}`, { evidence }), records };
  if (outcome === 'declined') return { check: check('bimi.record', 'info', `${name} declines to publish a BIMI logo`, { evidence }), records };
  if (lookupFailed(outcome, comment)) {
    return { check: check('bimi.record', 'error', `could not look up ${name}`, { evidence }), records };
  }
  if (outcome !== 'pass') {
    return {
      check: check('bimi.record', 'fail', `the BIMI record at ${name} is unusable: ${comment || outcome}`, {
        remediation: 'Publish exactly one record "v=BIMI1; l=https://<SVG Tiny PS logo>; a=https://<VMC or CMC PEM>".',
        evidence,
      }),
      records,
    };
  }
  if (!dmarc.known) return { check: check('bimi.record', 'error', 'BIMI record found, but the DMARC policy it depends on could not be determined', { evidence }), records };
  const blocker = enforcementProblem(dmarc.record, dmarc.effective);
  if (blocker) {
    return {
      check: check('bimi.record', 'fail', `BIMI record found, but mailbox providers ignore it: ${blocker}`, {
        remediation: 'Move DMARC to "p=quarantine" or "p=reject" without "t=y", "pct" below 100 or "sp=none"; BIMI logos show only for enforced domains.',
        evidence,
      }),
      records,
    };
  }
  const vmc = result && result.authority ? '' : ' (no a= certificate: Gmail and Apple Mail show logos only with a VMC or CMC)';
  return { check: check('bimi.record', 'pass', `BIMI logo ${result && result.location ? result.location : ''} with DMARC at enforcement${vmc}`, { evidence }), records };
}

/** mailauth 7 says `temperror` where older versions said `temperr`. */
function lookupFailed(outcome: string, comment: string): boolean {
  return (outcome === 'temperror' || outcome === 'temperr') && comment.startsWith('failed to resolve');
}

function enforcementProblem(record: DmarcRecord | undefined, effective: string | undefined): string | undefined {
  if (!record) return 'no DMARC record applies';
  if (effective !== 'quarantine' && effective !== 'reject') return `DMARC policy is ${effective ?? 'none'}`;
  if (record.testing) return 'DMARC is in test mode (t=y)';
  if (record.pct !== undefined && record.pct < 100) return `DMARC pct=${record.pct}`;
  if (record.applied?.sp === 'none') return 'DMARC sp=none';
  return undefined;
}
