import { isDmarcRecord, parseDmarc } from './dmarc-parse.js';
import { check, type Check, type DomainAudit } from './types.js';

const HOUR = 3_600_000;

/** The DMARC record the audit found applying to the domain (its own, or the one it inherits). */
function appliedRecord(audit: DomainAudit): string | undefined {
  const texts = audit.records['dmarc.applied']?.records ?? audit.records.dmarc?.records ?? [];
  return texts.find(isDmarcRecord);
}

/** The addresses a DMARC record's rua sends aggregate reports to: lower-cased, without `mailto:` or a size limit. */
export function ruaAddresses(text: string): string[] {
  return parseDmarc(text).rua.map((u) => u.uri.replace(/^mailto:/i, '').replace(/!.*$/, '').toLowerCase());
}

/**
 * `dmarc.reports_received`: when the domain's rua sends aggregate reports to our report mailbox, whether
 * one arrived within `missingAfter`. Nothing to say (undefined) when the reports go elsewhere.
 */
export function reportArrivalCheck(input: { audit: DomainAudit; address: string; lastArrival: number | undefined; now: number; missingAfter: number }): Check | undefined {
  const text = appliedRecord(input.audit);
  if (text === undefined) return undefined;
  const address = input.address.toLowerCase();
  const ours = ruaAddresses(text).includes(address);
  if (!ours) return undefined;
  const hours = Math.round(input.missingAfter / HOUR);
  const evidence = { address, lastReportAt: input.lastArrival ?? null, missingAfterHours: hours };
  if (input.lastArrival !== undefined && input.now - input.lastArrival <= input.missingAfter) {
    const ago = Math.max(0, Math.round((input.now - input.lastArrival) / HOUR));
    return check('dmarc.reports_received', 'pass', `aggregate reports arrive at ${address}; the last ${ago} h ago`, { evidence });
  }
  return check(
    'dmarc.reports_received',
    'warn',
    input.lastArrival === undefined
      ? `rua sends aggregate reports to ${address}, but none has arrived there`
      : `rua sends aggregate reports to ${address}, but none has arrived in ${hours} h`,
    {
      evidence,
      remediation: `Check that ${address} accepts mail from outside (MX, quota, spam filtering) and that inboxwatch reads it (reports.imap); a domain that sends no mail gets no reports, which is fine.`,
    },
  );
}
