import type { Resolver } from '../dns/types.js';
import { lookupTxt, snapshotOf, type Lookup } from '../dns/lookup.js';
import { parseTagValueRecord } from './tag-value.js';
import type { AuditToolkit, MtaStsPolicy } from './toolkit.js';
import { check, type Check, type Json, type RecordSet } from './types.js';

export const MTA_STS_IDS = ['mta_sts.record', 'mta_sts.policy'] as const;

export interface PolicyResponse {
  status: number;
  contentType: string | undefined;
  body: string;
}

/**
 * Why a policy fetch failed. `timeout` and `dns` mean we could not find out; the others are facts a
 * sending server would run into as well.
 */
export type FetchFailureKind = 'timeout' | 'dns' | 'no_address' | 'refused_address' | 'connect' | 'tls' | 'too_large' | 'other';

export class PolicyFetchError extends Error {
  constructor(
    readonly kind: FetchFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'PolicyFetchError';
  }
}

/** Fetches https://<host>/.well-known/mta-sts.txt. Node's is src/node/mta-sts-https.ts. */
export type PolicyFetcher = (host: string) => Promise<PolicyResponse>;

export const POLICY_PATH = '/.well-known/mta-sts.txt';

export interface MtaStsData {
  name: string;
  answer: Lookup<string>;
  records: string[];
  id: string | undefined;
  recordProblems: string[];
  policyUrl: string;
  fetched: { response: PolicyResponse } | { error: PolicyFetchError } | undefined;
}

/** Looks up _mta-sts and, when a usable record is there, fetches the policy it announces. */
export async function collectMtaSts(resolver: Resolver, domain: string, fetcher: PolicyFetcher): Promise<MtaStsData> {
  const name = `_mta-sts.${domain}`;
  const host = `mta-sts.${domain}`;
  const answer = await lookupTxt(resolver, name);
  // RFC 8461 §3.1 spells the version in hex literals: senders skip "v=stsv1", so the audit does too, and says so.
  const records = answer.ok ? answer.records.filter((r) => /^v[ \t]*=[ \t]*STSv1[ \t]*(;|$)/.test(r.trim())) : [];
  const skipped = answer.ok ? answer.records.filter((r) => !records.includes(r) && /^v\s*=\s*stsv1/i.test(r.trim())) : [];
  const recordProblems: string[] = [];
  if (records.length === 0 && skipped.length > 0) recordProblems.push(`senders skip ${skipped.map((r) => `"${r}"`).join(', ')}: the version tag must read exactly "v=STSv1" (it is case-sensitive)`);
  let id: string | undefined;
  if (records.length > 1) recordProblems.push(`${records.length} STSv1 records; senders treat the domain as having no policy (RFC 8461 §3.1)`);
  if (records.length === 1) {
    const tags = parseTagValueRecord(records[0] as string).tags;
    id = typeof tags.id === 'string' ? tags.id : undefined;
    if (id === undefined) recordProblems.push('the record has no id= tag');
    else if (!/^[a-z0-9]{1,32}$/i.test(id)) recordProblems.push(`id=${id}: expected 1-32 letters and digits`);
  }
  const data: MtaStsData = { name, answer, records: records.length > 0 ? records : skipped, id, recordProblems, policyUrl: `https://${host}${POLICY_PATH}`, fetched: undefined };
  if (records.length !== 1 || recordProblems.length > 0) return data;
  try {
    data.fetched = { response: await fetcher(host) };
  } catch (error) {
    data.fetched = { error: error instanceof PolicyFetchError ? error : new PolicyFetchError('other', (error as Error).message) };
  }
  return data;
}

export function mtaStsRecords(data: MtaStsData): Record<string, RecordSet> {
  const records: Record<string, RecordSet> = { mta_sts: { name: data.name, records: snapshotOf(data.answer) } };
  if (data.fetched && 'response' in data.fetched && data.fetched.response.status === 200) {
    const lines = data.fetched.response.body.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    records.mta_sts_policy = { name: data.policyUrl, records: lines.sort() };
  }
  return records;
}

/** Judges the record and the policy; `mxHosts` undefined means the MX lookup failed. */
export function judgeMtaSts(data: MtaStsData, mxHosts: string[] | undefined, toolkit: AuditToolkit): Check[] {
  if (!data.answer.ok) {
    const message = `could not look up ${data.name}: ${data.answer.error}`;
    return MTA_STS_IDS.map((id) => check(id, 'error', message));
  }
  const evidence = { name: data.name, records: data.records };
  if (data.records.length === 0) {
    return [
      check('mta_sts.record', 'info', `no MTA-STS record at ${data.name}: senders may deliver to you without TLS if an attacker strips STARTTLS`, { evidence }),
      check('mta_sts.policy', 'info', 'not applicable: no MTA-STS record'),
    ];
  }
  if (data.recordProblems.length > 0) {
    return [
      check('mta_sts.record', 'fail', `MTA-STS record is invalid: ${data.recordProblems.join('; ')}`, {
        remediation: `Publish exactly one "v=STSv1; id=<letters and digits, changed on every policy update>" record at ${data.name}.`,
        evidence,
      }),
      check('mta_sts.policy', 'info', 'not applicable: the MTA-STS record is unusable'),
    ];
  }
  return [check('mta_sts.record', 'pass', `MTA-STS record id=${data.id}`, { evidence }), policyCheck(data, mxHosts, toolkit)];
}

function policyCheck(data: MtaStsData, mxHosts: string[] | undefined, toolkit: AuditToolkit): Check {
  const url = data.policyUrl;
  const fetched = data.fetched;
  if (!fetched) return check('mta_sts.policy', 'error', `the policy at ${url} was not fetched`);
  if ('error' in fetched) {
    const { kind, message } = fetched.error;
    const evidence = { url, failure: kind, error: message };
    if (kind === 'timeout' || kind === 'dns') return check('mta_sts.policy', 'error', `could not fetch ${url}: ${message}`, { evidence });
    return check('mta_sts.policy', 'fail', `senders cannot fetch ${url}: ${message}`, {
      remediation:
        kind === 'refused_address'
          ? `Point ${url.split('/')[2]} at a public address where the policy is served over HTTPS.`
          : `Serve the policy at ${url} over HTTPS with a certificate valid for mta-sts.<domain>, as text/plain, under 64 KiB.`,
      evidence,
    });
  }
  const { status, contentType, body } = fetched.response;
  const evidence: { [key: string]: Json } = { url, status, contentType: contentType ?? null, policy: body };
  if (status !== 200) {
    return check('mta_sts.policy', 'fail', `${url} answered HTTP ${status}; senders need 200 (and do not follow redirects)`, {
      remediation: `Serve the policy file at ${url} with status 200.`,
      evidence,
    });
  }
  let policy: MtaStsPolicy;
  try {
    policy = toolkit.parseMtaStsPolicy(body);
  } catch (error) {
    return check('mta_sts.policy', 'fail', `the policy at ${url} is invalid: ${(error as Error).message}`, {
      remediation: 'Write the policy as "version: STSv1", "mode: enforce|testing|none", one "mx:" line per MX pattern and "max_age: <seconds>", one per line.',
      evidence,
    });
  }
  const mode = policy.mode;
  const maxAge = policy.maxAge ?? 0;
  const patterns = policy.mx ?? [];
  evidence.mode = mode;
  evidence.maxAge = maxAge;
  evidence.mx = patterns;
  const unmatched = mxHosts?.filter((host) => !toolkit.mxMatchesPolicy(host, policy)) ?? [];
  evidence.unmatchedMx = unmatched;
  const problems: string[] = [];
  const summary = `mode ${mode}, max_age ${maxAge}s, mx ${patterns.join(', ') || '(none)'}`;
  if (!/^text\/plain\b/i.test(contentType ?? '')) problems.push(`served as ${contentType ?? 'no content type'}, not text/plain (RFC 8461 §3.2)`);
  if (mode !== 'none' && unmatched.length > 0) {
    const text = `MX host${unmatched.length > 1 ? 's' : ''} ${unmatched.join(', ')} match${unmatched.length > 1 ? '' : 'es'} no mx: pattern`;
    if (mode === 'enforce') {
      return check('mta_sts.policy', 'fail', `${summary}: ${text}, so senders enforcing the policy will not deliver there`, {
        remediation: 'Add an "mx:" line for every MX host (wildcards like "*.example.net" are allowed), change the id= in the record, and only then change MX records.',
        evidence,
      });
    }
    problems.push(text);
  }
  if (mode === 'testing') problems.push('testing mode: failures are reported but mail is still delivered without TLS');
  if (mode === 'none') problems.push('mode none: the policy is withdrawn');
  if (maxAge < 86_400) problems.push(`max_age ${maxAge}s is under a day; RFC 8461 suggests weeks so the policy survives an attack window`);
  if (mxHosts === undefined && mode !== 'none') return check('mta_sts.policy', 'error', `${summary}; the MX lookup failed, so the mx patterns could not be compared`, { evidence });
  if (problems.length > 0) {
    return check('mta_sts.policy', 'warn', `${summary}: ${problems.join('; ')}`, {
      remediation: 'Serve the policy as text/plain with "mode: enforce", mx lines covering every MX host and a max_age of at least a week (604800).',
      evidence,
    });
  }
  return check('mta_sts.policy', 'pass', summary, { evidence });
}
