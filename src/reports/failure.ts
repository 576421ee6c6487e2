import { ReportError, type FailureReport } from './types.js';

/**
 * A failure report (RFC 6591 as profiled by RFC 7489 §7 / RFC 9991) from its message/feedback-report part
 * and, when the reporter included them, the headers of the message that failed.
 */
export function parseFailureReport(feedback: string, originalHeaders = ''): FailureReport {
  const fields = headerFields(feedback);
  const type = fields.get('feedback-type')?.toLowerCase();
  if (type !== 'auth-failure') throw new ReportError(`not an authentication failure report: Feedback-Type is ${type ? `"${type}"` : 'missing'}`);
  const original = headerFields(originalHeaders);
  const reportedDomain = fields.get('reported-domain') ?? fields.get('dkim-domain') ?? domainOf(original.get('from'));
  if (!reportedDomain) throw new ReportError('Reported-Domain is missing');
  const arrival = fields.get('arrival-date');
  const arrivalMs = arrival ? Date.parse(arrival) : Number.NaN;
  const get = (name: string) => fields.get(name) ?? null;
  return {
    kind: 'failure',
    authFailure: (fields.get('auth-failure') ?? 'dmarc').toLowerCase(),
    reportedDomain: reportedDomain.toLowerCase().replace(/\.$/, ''),
    sourceIp: get('source-ip'),
    arrivalDate: Number.isNaN(arrivalMs) ? null : arrivalMs,
    originalMailFrom: get('original-mail-from'),
    originalRcptTo: get('original-rcpt-to'),
    deliveryResult: fields.get('delivery-result')?.toLowerCase() ?? null,
    dkimDomain: fields.get('dkim-domain')?.toLowerCase() ?? null,
    dkimSelector: fields.get('dkim-selector')?.toLowerCase() ?? null,
    identityAlignment: fields.get('identity-alignment')?.toLowerCase() ?? null,
    authenticationResults: get('authentication-results'),
    userAgent: get('user-agent'),
    subject: original.get('subject') ?? null,
    from: original.get('from') ?? null,
    messageId: original.get('message-id') ?? null,
  };
}

/** Header-style fields, unfolded; the first of each name wins. */
function headerFields(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  const unfolded = block.replace(/\r\n/g, '\n').split('\n\n')[0]?.replace(/\n[ \t]+/g, ' ') ?? '';
  for (const line of unfolded.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

function domainOf(address: string | undefined): string | undefined {
  return address ? /@([^>\s]+)/.exec(address)?.[1] : undefined;
}
