import { ReportError, type TlsFailure, type TlsPolicy, type TlsReport } from './types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** An SMTP TLS report (RFC 8460) from its JSON text. */
export function parseTlsReport(json: string): TlsReport {
  let document: Json;
  try {
    document = JSON.parse(json) as Json;
  } catch (error) {
    throw new ReportError(`not valid JSON: ${(error as Error).message}`);
  }
  const root = object(document, '(root)');
  const range = object(root['date-range'], 'date-range');
  const begin = date(range['start-datetime'], 'date-range.start-datetime');
  const end = date(range['end-datetime'], 'date-range.end-datetime');
  if (end < begin) throw new ReportError('date-range: end-datetime is before start-datetime');
  return {
    kind: 'tls',
    org: string(root['organization-name'], 'organization-name'),
    email: optionalString(root['contact-info']),
    reportId: string(root['report-id'], 'report-id').replace(/^<(.*)>$/, '$1'),
    begin,
    end,
    policies: array(root.policies).map((p, i) => policy(object(p, `policies[${i}]`), `policies[${i}]`)),
  };
}

function policy(node: JsonObject, where: string): TlsPolicy {
  const described = object(node.policy, `${where}.policy`);
  const summary = object(node.summary, `${where}.summary`);
  return {
    policyType: string(described['policy-type'], `${where}.policy.policy-type`).toLowerCase(),
    policyDomain: string(described['policy-domain'], `${where}.policy.policy-domain`).toLowerCase().replace(/\.$/, ''),
    mxHosts: array(described['mx-host']).filter((h): h is string => typeof h === 'string'),
    successfulSessions: count(summary['total-successful-session-count'], `${where}.summary.total-successful-session-count`),
    failedSessions: count(summary['total-failure-session-count'], `${where}.summary.total-failure-session-count`),
    failures: array(node['failure-details']).map((f, i) => failure(object(f, `${where}.failure-details[${i}]`), `${where}.failure-details[${i}]`)),
  };
}

function failure(node: JsonObject, where: string): TlsFailure {
  return {
    resultType: string(node['result-type'], `${where}.result-type`).toLowerCase(),
    sendingMtaIp: optionalString(node['sending-mta-ip']),
    receivingMxHostname: optionalString(node['receiving-mx-hostname']),
    receivingIp: optionalString(node['receiving-ip']),
    failedSessions: count(node['failed-session-count'], `${where}.failed-session-count`),
    reasonCode: optionalString(node['failure-reason-code']),
  };
}

function object(value: Json | undefined, where: string): JsonObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) throw new ReportError(`${where}: expected an object`);
  return value;
}

/** One value or a list of them: reporters differ. */
function array(value: Json | undefined): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function string(value: Json | undefined, where: string): string {
  if (typeof value !== 'string' || value === '') throw new ReportError(`${where}: expected a string`);
  return value;
}

function optionalString(value: Json | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function count(value: Json | undefined, where: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new ReportError(`${where}: expected a whole number`);
  return n;
}

function date(value: Json | undefined, where: string): number {
  const ms = Date.parse(string(value, where));
  if (Number.isNaN(ms)) throw new ReportError(`${where}: expected an RFC 3339 date-time`);
  return ms;
}
