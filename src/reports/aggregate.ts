import ipaddr from 'ipaddr.js';
import { child, children, parseXml, text, type XmlNode } from './xml.js';
import { ReportError, type AggregateRecord, type AggregateReport, type AggregateSchema, type DkimResult, type PublishedPolicy, type SpfResult } from './types.js';

const DMARC2_NAMESPACE = 'urn:ietf:params:xml:ns:dmarc-2.0';

/** An aggregate report (draft, RFC 7489 or RFC 9990 form) from its XML text. */
export function parseAggregate(xml: string): AggregateReport {
  const document = parseXml(xml);
  const feedback = document.feedback;
  if (feedback === undefined || typeof feedback === 'string' || Array.isArray(feedback)) {
    throw new ReportError(`not a DMARC aggregate report: the root element is <${Object.keys(document)[0] ?? 'nothing'}>, not <feedback>`);
  }
  const metadata = child(feedback, 'report_metadata');
  const range = child(metadata, 'date_range');
  const org = required(text(child(metadata, 'org_name')), 'report_metadata.org_name');
  const begin = timestamp(required(text(child(range, 'begin')), 'report_metadata.date_range.begin'), 'report_metadata.date_range.begin');
  const end = timestamp(required(text(child(range, 'end')), 'report_metadata.date_range.end'), 'report_metadata.date_range.end');
  if (end < begin) throw new ReportError('report_metadata.date_range: end is before begin');
  const published = child(feedback, 'policy_published');
  return {
    kind: 'aggregate',
    schema: schemaOf(xml, feedback),
    org,
    email: text(child(metadata, 'email')),
    reportId: reportId(required(text(child(metadata, 'report_id')), 'report_metadata.report_id')),
    begin,
    end,
    generator: text(child(metadata, 'generator')),
    errors: children(metadata, 'error').map((e) => text(e)).filter((e): e is string => e !== null),
    policy: policy(published),
    records: children(feedback, 'record').map((r, i) => record(r, i)),
  };
}

function schemaOf(xml: string, feedback: XmlNode): AggregateSchema {
  // The parser drops namespace declarations along with prefixes, so the namespace is looked for in the text.
  if (xml.includes(DMARC2_NAMESPACE)) return 'rfc9990';
  return text(child(feedback, 'version')) !== null ? 'rfc7489' : 'draft';
}

function required(value: string | null, path: string): string {
  if (value === null) throw new ReportError(`${path} is missing`);
  return value;
}

/** Epoch seconds, fractional ones too (some reporters write "1700000000.000"), as epoch ms. */
function timestamp(value: string, path: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new ReportError(`${path}: expected epoch seconds, got "${value}"`);
  return Math.round(seconds * 1000);
}

/** `<id@host>` and `id@host` are the same report. */
function reportId(value: string): string {
  return value.replace(/^<(.*)>$/, '$1').trim();
}

const lower = (value: string | null) => (value === null ? null : value.toLowerCase());

function policy(node: XmlNode | undefined): PublishedPolicy {
  const pct = text(child(node, 'pct'));
  const testing = lower(text(child(node, 'testing')));
  return {
    domain: required(lower(text(child(node, 'domain'))), 'policy_published.domain').replace(/\.$/, ''),
    adkim: lower(text(child(node, 'adkim'))),
    aspf: lower(text(child(node, 'aspf'))),
    p: lower(text(child(node, 'p'))),
    sp: lower(text(child(node, 'sp'))),
    np: lower(text(child(node, 'np'))),
    pct: pct === null || !Number.isFinite(Number(pct)) ? null : Number(pct),
    fo: text(child(node, 'fo')),
    testing: testing === null ? null : testing === 'y',
    discoveryMethod: lower(text(child(node, 'discovery_method'))),
  };
}

function record(node: XmlNode, index: number): AggregateRecord {
  const where = `record[${index}]`;
  const row = child(node, 'row');
  const evaluated = child(row, 'policy_evaluated');
  // RFC 7489 says identifiers; the draft and several reporters say identities.
  const ids = child(node, 'identifiers') ?? child(node, 'identities');
  const auth = child(node, 'auth_results');
  const sourceIp = required(text(child(row, 'source_ip')), `${where}.row.source_ip`);
  if (!ipaddr.isValid(sourceIp)) throw new ReportError(`${where}.row.source_ip: "${sourceIp}" is not an IP address`);
  const countText = required(text(child(row, 'count')), `${where}.row.count`);
  const count = Number(countText);
  if (!Number.isInteger(count) || count < 0) throw new ReportError(`${where}.row.count: expected a whole number, got "${countText}"`);
  return {
    sourceIp: ipaddr.process(sourceIp).toString(),
    count,
    disposition: lower(text(child(evaluated, 'disposition'))) ?? 'none',
    dkimAligned: lower(text(child(evaluated, 'dkim'))) ?? 'none',
    spfAligned: lower(text(child(evaluated, 'spf'))) ?? 'none',
    overrides: children(evaluated, 'reason').map((r) => ({ type: lower(text(child(r, 'type'))) ?? 'other', comment: text(child(r, 'comment')) })),
    headerFrom: (lower(text(child(ids, 'header_from'))) ?? '').replace(/\.$/, ''),
    envelopeFrom: lower(text(child(ids, 'envelope_from'))),
    envelopeTo: lower(text(child(ids, 'envelope_to'))),
    dkim: children(auth, 'dkim').map(dkimResult).filter((d): d is DkimResult => d !== undefined),
    spf: children(auth, 'spf').map(spfResult).filter((s): s is SpfResult => s !== undefined),
  };
}

function dkimResult(node: XmlNode): DkimResult | undefined {
  const domain = lower(text(child(node, 'domain')));
  if (domain === null) return undefined;
  return { domain, selector: lower(text(child(node, 'selector'))), result: lower(text(child(node, 'result'))) ?? 'none' };
}

function spfResult(node: XmlNode): SpfResult | undefined {
  const domain = lower(text(child(node, 'domain')));
  if (domain === null) return undefined;
  return { domain, scope: lower(text(child(node, 'scope'))), result: lower(text(child(node, 'result'))) ?? 'none' };
}
