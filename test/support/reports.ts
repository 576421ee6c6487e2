import { gzipSync, strToU8, zipSync } from 'fflate';

/** Builders for report fixtures: every test makes the files it reads, in each form reporters send. */

export interface RecordSpec {
  ip: string;
  count: number;
  disposition?: string;
  dkim?: string;
  spf?: string;
  reasons?: Array<{ type: string; comment?: string }>;
  headerFrom?: string;
  envelopeFrom?: string | null;
  /** Auth results; selector null leaves the element out. */
  dkimResults?: Array<{ domain: string; selector: string | null; result: string }>;
  spfResults?: Array<{ domain: string; scope?: string; result: string }>;
}

export interface AggregateSpec {
  form?: 'draft' | 'rfc7489' | 'rfc9990';
  org?: string;
  reportId?: string;
  domain?: string;
  /** Epoch seconds as written, so fractional ones can be tested. */
  begin?: string;
  end?: string;
  policy?: Record<string, string>;
  /** identities instead of identifiers (the draft and some reporters). */
  identities?: boolean;
  records: RecordSpec[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const el = (name: string, value: string | number | null | undefined) => (value === null || value === undefined ? '' : `<${name}>${esc(String(value))}</${name}>`);

export function aggregateXml(spec: AggregateSpec): string {
  const form = spec.form ?? 'rfc7489';
  const domain = spec.domain ?? 'reports.test';
  const ids = spec.identities ? 'identities' : 'identifiers';
  const records = spec.records
    .map((r) => {
      const reasons = (r.reasons ?? []).map((reason) => `<reason>${el('type', reason.type)}${el('comment', reason.comment)}</reason>`).join('');
      const dkim = (r.dkimResults ?? []).map((d) => `<dkim>${el('domain', d.domain)}${el('selector', d.selector)}${el('result', d.result)}</dkim>`).join('');
      const spf = (r.spfResults ?? [{ domain, result: r.spf ?? 'pass' }]).map((s) => `<spf>${el('domain', s.domain)}${el('scope', s.scope)}${el('result', s.result)}</spf>`).join('');
      const envelopeFrom = r.envelopeFrom === undefined ? domain : r.envelopeFrom;
      return (
        `<record><row>${el('source_ip', r.ip)}${el('count', r.count)}<policy_evaluated>${el('disposition', r.disposition ?? 'none')}` +
        `${el('dkim', r.dkim ?? 'pass')}${el('spf', r.spf ?? 'pass')}${reasons}</policy_evaluated></row>` +
        `<${ids}>${el('envelope_to', 'example.net')}${el('envelope_from', envelopeFrom)}${el('header_from', r.headerFrom ?? domain)}</${ids}>` +
        `<auth_results>${dkim}${spf}</auth_results></record>`
      );
    })
    .join('\n');
  const policy = spec.policy ?? (form === 'rfc9990' ? { p: 'none', sp: 'none', np: 'reject', testing: 'n', discovery_method: 'treewalk' } : { p: 'none', sp: 'none', pct: '100' });
  const policyXml = Object.entries({ domain, adkim: 'r', aspf: 'r', ...policy })
    .map(([k, v]) => el(k, v))
    .join('');
  const root = form === 'rfc9990' ? '<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">' : '<feedback>';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n` +
    (form === 'rfc7489' ? '<version>1.0</version>' : '') +
    `<report_metadata>${el('org_name', spec.org ?? 'example.net')}${el('email', 'noreply-dmarc@example.net')}${el('report_id', spec.reportId ?? 'r-1')}` +
    `<date_range>${el('begin', spec.begin ?? '1767225600')}${el('end', spec.end ?? '1767311999')}</date_range>` +
    (form === 'rfc9990' ? el('generator', 'example-reporter 2.1') : '') +
    `</report_metadata><policy_published>${policyXml}</policy_published>\n${records}\n</feedback>\n`
  );
}

export const gzip = (text: string | Uint8Array) => gzipSync(typeof text === 'string' ? strToU8(text) : text);
export const zip = (name: string, text: string | Uint8Array) => zipSync({ [name]: typeof text === 'string' ? strToU8(text) : text });

/** A gzip file of `megabytes` of zeros: tiny, and over a thousand times larger once opened. */
export function zipBomb(megabytes: number, container: 'gzip' | 'zip' = 'zip'): Uint8Array {
  const zeros = new Uint8Array(megabytes * 1024 * 1024);
  return container === 'gzip' ? gzipSync(zeros, { level: 9 }) : zipSync({ 'report.xml': zeros }, { level: 9 });
}

/** The classic entity-expansion attack, dressed as an aggregate report. */
export function billionLaughs(): string {
  const entities = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  return `<?xml version="1.0"?>\n<!DOCTYPE feedback [\n${entities.join('\n')}\n]>\n<feedback><report_metadata><org_name>&lol9;</org_name></report_metadata></feedback>\n`;
}

export function tlsReportJson(options: { reportId?: string; domain?: string; failures?: number; start?: string; end?: string } = {}): string {
  const domain = options.domain ?? 'reports.test';
  return JSON.stringify({
    'organization-name': 'Example TLS Reporter',
    'date-range': { 'start-datetime': options.start ?? '2026-01-01T00:00:00Z', 'end-datetime': options.end ?? '2026-01-01T23:59:59Z' },
    'contact-info': 'smtp-tls-reporting@example.net',
    'report-id': options.reportId ?? '2026-01-01T00:00:00Z_reports.test',
    policies: [
      {
        policy: { 'policy-type': 'sts', 'policy-string': ['version: STSv1', 'mode: enforce'], 'policy-domain': domain, 'mx-host': `mx.${domain}` },
        summary: { 'total-successful-session-count': 120, 'total-failure-session-count': options.failures ?? 3 },
        'failure-details': [
          { 'result-type': 'certificate-expired', 'sending-mta-ip': '192.0.2.5', 'receiving-mx-hostname': `mx.${domain}`, 'failed-session-count': options.failures ?? 3 },
        ],
      },
    ],
  });
}

/** An RFC 6591 feedback-report part for a DMARC failure. */
export function feedbackReport(options: { domain?: string; ip?: string; selector?: string } = {}): string {
  const domain = options.domain ?? 'reports.test';
  return [
    'Feedback-Type: auth-failure',
    'User-Agent: ExampleReceiver/1.0',
    'Version: 1',
    'Original-Mail-From: <bounce@reports.test>',
    'Original-Rcpt-To: <someone@example.net>',
    'Arrival-Date: Thu, 01 Jan 2026 10:00:00 +0000',
    `Source-IP: ${options.ip ?? '203.0.113.9'}`,
    `Reported-Domain: ${domain}`,
    'Auth-Failure: dmarc',
    'Delivery-Result: reject',
    `DKIM-Domain: ${domain}`,
    `DKIM-Selector: ${options.selector ?? 'old2019'}`,
    'Identity-Alignment: none',
    'Authentication-Results: mx.example.net; dmarc=fail',
    '  header.from=reports.test',
    '',
  ].join('\r\n');
}

/** A whole failure-report message (multipart/report), as a receiver mails it. */
export function failureReportMessage(to: string, options: { domain?: string; ip?: string; messageId?: string; failedMessageId?: string } = {}): string {
  const boundary = 'b0undary';
  return [
    'From: dmarc-failures@example.net',
    `To: ${to}`,
    'Subject: Report Domain: reports.test Submitter: example.net',
    `Message-ID: <${options.messageId ?? 'failure-1'}@example.net>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=feedback-report; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    'A message claiming to be from you failed DMARC.',
    `--${boundary}`,
    'Content-Type: message/feedback-report',
    '',
    feedbackReport(options),
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    'From: "Billing" <billing@reports.test>',
    'Subject: Your invoice',
    `Message-ID: <${options.failedMessageId ?? 'invoice-1'}@reports.test>`,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

/** An aggregate report as a reporter mails it: the file as a base64 attachment with whatever type it likes. */
export function reportMessage(to: string, file: { name: string; bytes: Uint8Array; contentType?: string }, messageId: string): string {
  const base64 = Buffer.from(file.bytes).toString('base64').replace(/.{76}/g, '$&\r\n');
  const boundary = 'rep0rt';
  return [
    'From: noreply-dmarc@example.net',
    `To: ${to}`,
    `Subject: Report domain: reports.test Submitter: example.net Report-ID: ${messageId}`,
    `Message-ID: <${messageId}@example.net>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    'This is an aggregate report from example.net.',
    `--${boundary}`,
    `Content-Type: ${file.contentType ?? 'application/octet-stream'}; name="${file.name}"`,
    `Content-Disposition: attachment; filename="${file.name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    base64,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
