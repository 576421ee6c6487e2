import type { Resolver } from '../dns/types.js';
import { lookupTxt, snapshotOf, type Lookup } from './lookup.js';
import { isDmarcRecord, parseDmarc, treeWalkTargets, type DmarcRecord, type Policy } from './dmarc-parse.js';
import { check, type Check, type Json, type RecordSet } from './types.js';

export const DMARC_IDS = ['dmarc.present', 'dmarc.single', 'dmarc.syntax', 'dmarc.policy', 'dmarc.rua', 'dmarc.external_rua'] as const;

/** One step of the tree walk as evidence: the name asked and what came back. */
export interface WalkStep {
  name: string;
  outcome: 'record' | 'none' | 'multiple' | 'error' | 'not needed';
  records: string[];
  error?: string;
}

/** What policy discovery found: the record that applies to the domain, and where it lives. */
export interface DmarcDiscovery {
  steps: WalkStep[];
  /** Undefined when none applies, or when a DNS failure hides whether one does. */
  applied: { domain: string; record: DmarcRecord; inherited: boolean } | undefined;
  /** True when a DNS failure at or before the applying level leaves the answer unknown. */
  unknown: boolean;
  /** The RFC 9989 §4.10.2 Organizational Domain, from the same walk. */
  organizationalDomain: string;
}

export interface DmarcResult {
  checks: Check[];
  records: Record<string, RecordSet>;
  discovery: DmarcDiscovery;
  /** The policy that applies to mail from the domain itself, when known. */
  effectivePolicy: Policy | undefined;
  record: DmarcRecord | undefined;
}

/**
 * Policy discovery by the RFC 9989 DNS tree walk. Every level is asked at once, because the names to ask
 * follow from the domain alone; the answers are then read nearest first, as the RFC walks.
 */
export async function discoverDmarc(resolver: Resolver, domain: string): Promise<DmarcDiscovery> {
  const targets = treeWalkTargets(domain);
  const answers = await Promise.all(targets.map((target) => lookupTxt(resolver, `_dmarc.${target}`)));
  const steps: WalkStep[] = [];
  let applied: DmarcDiscovery['applied'];
  let unknown = false;
  targets.forEach((target, i) => {
    const answer = answers[i] as Lookup<string>;
    const name = `_dmarc.${target}`;
    if (applied || unknown) {
      steps.push({ name, outcome: 'not needed', records: answer.ok ? answer.records.filter(isDmarcRecord) : [] });
      return;
    }
    if (!answer.ok) {
      unknown = true;
      steps.push({ name, outcome: 'error', records: [], error: answer.error });
      return;
    }
    const records = answer.records.filter(isDmarcRecord);
    if (records.length === 1) {
      applied = { domain: target, record: parseDmarc(records[0] as string), inherited: i > 0 };
      steps.push({ name, outcome: 'record', records });
    } else {
      steps.push({ name, outcome: records.length > 1 ? 'multiple' : 'none', records });
    }
  });
  return { steps, applied, unknown, organizationalDomain: organizationalDomain(domain, targets, answers) };
}

/**
 * RFC 9989 §4.10.2: walking up, a record with psd=n marks the Organizational Domain and psd=y marks a public
 * suffix (so the name one label below it is the Organizational Domain); otherwise it is the shortest name
 * that publishes a record, or the domain itself when none does. Levels that failed are skipped: this only
 * decides which report destinations count as external.
 */
function organizationalDomain(domain: string, targets: string[], answers: Array<Lookup<string>>): string {
  let shortest: string | undefined;
  for (let i = 0; i < targets.length; i++) {
    const answer = answers[i] as Lookup<string>;
    if (!answer.ok) continue;
    const records = answer.records.filter(isDmarcRecord);
    if (records.length !== 1) continue;
    const record = parseDmarc(records[0] as string);
    const target = targets[i] as string;
    if (record.psd === 'n') return target;
    if (record.psd === 'y') return i > 0 ? oneLabelBelow(domain, target) : target;
    shortest = target;
  }
  return shortest ?? domain.toLowerCase();
}

function oneLabelBelow(domain: string, suffix: string): string {
  const labels = domain.toLowerCase().split('.');
  return labels.slice(labels.length - suffix.split('.').length - 1).join('.');
}

export async function auditDmarc(resolver: Resolver, domain: string): Promise<DmarcResult> {
  const discovery = await discoverDmarc(resolver, domain);
  const own = discovery.steps[0] as WalkStep;
  const records: Record<string, RecordSet> = { dmarc: { name: own.name, records: own.outcome === 'error' ? null : [...own.records].sort() } };
  if (discovery.applied?.inherited) {
    const name = `_dmarc.${discovery.applied.domain}`;
    records['dmarc.applied'] = { name, records: [discovery.applied.record.text] };
  }
  const walk = discovery.steps.map((s): Json => ({ name: s.name, outcome: s.outcome, records: s.records, error: s.error ?? null }));
  const applied = discovery.applied;

  if (!applied) {
    if (discovery.unknown) {
      const failed = discovery.steps.find((s) => s.outcome === 'error');
      const message = `policy discovery stopped at ${failed?.name}: ${failed?.error}`;
      return { checks: DMARC_IDS.map((id) => check(id, 'error', message, { evidence: { walk } })), records, discovery, effectivePolicy: undefined, record: undefined };
    }
    const multiple = discovery.steps.filter((s) => s.outcome === 'multiple');
    const checks = [
      check('dmarc.present', 'fail', `no DMARC record applies to ${domain}: the tree walk (${discovery.steps.map((s) => s.name).join(', ')}) found none`, {
        remediation: `Publish a TXT record at _dmarc.${domain}, starting with "v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}" and moving to quarantine/reject once the reports show all your mail passes.`,
        evidence: { walk },
      }),
      singleCheck(multiple),
      ...DMARC_IDS.slice(2).map((id) => check(id, 'info', 'not applicable: no DMARC record')),
    ];
    return { checks, records, discovery, effectivePolicy: undefined, record: undefined };
  }

  const record = applied.record;
  const effectivePolicy = applied.inherited ? (record.sp ?? record.p) : record.p;
  const where = applied.inherited ? `inherited from _dmarc.${applied.domain}` : `published at _dmarc.${applied.domain}`;
  const checks: Check[] = [
    check('dmarc.present', 'pass', `DMARC record ${where}${applied.inherited ? ` (its ${record.sp ? 'sp=' : 'p='} applies to ${domain})` : ''}`, {
      evidence: { walk, appliedAt: `_dmarc.${applied.domain}`, inherited: applied.inherited, record: record.text, organizationalDomain: discovery.organizationalDomain },
    }),
    singleCheck(discovery.steps.filter((s) => s.outcome === 'multiple')),
    syntaxCheck(record),
    policyCheck(domain, record, applied.inherited),
    ruaCheck(record),
    await externalRuaCheck(resolver, applied.domain, discovery.organizationalDomain, record),
  ];
  return { checks, records, discovery, effectivePolicy, record };
}

function singleCheck(multiple: WalkStep[]): Check {
  if (multiple.length > 0) {
    return check('dmarc.single', 'fail', `more than one DMARC record at ${multiple.map((s) => s.name).join(', ')}; receivers discard them all`, {
      remediation: 'Keep exactly one "v=DMARC1" TXT record at each _dmarc name.',
      evidence: { records: multiple.flatMap((s) => s.records) },
    });
  }
  return check('dmarc.single', 'pass', 'one DMARC record per name', { evidence: {} });
}

function syntaxCheck(record: DmarcRecord): Check {
  const evidence = { record: record.text, errors: record.errors, unknownTags: record.unknown };
  if (record.errors.length > 0) {
    return check('dmarc.syntax', 'fail', `DMARC syntax errors: ${record.errors.join('; ')}`, {
      remediation: 'Write the record as semicolon-separated tag=value pairs, e.g. "v=DMARC1; p=reject; rua=mailto:dmarc@example.com".',
      evidence,
    });
  }
  if (record.unknown.length > 0) {
    return check('dmarc.syntax', 'warn', `unknown tags ${record.unknown.join(', ')} are ignored by receivers (RFC 9989 §4.7)`, {
      remediation: 'Remove the unknown tags or correct their spelling.',
      evidence,
    });
  }
  return check('dmarc.syntax', 'pass', 'the DMARC record parses', { evidence });
}

const ENFORCEMENT_PATH =
  'Read the aggregate (rua) reports until every legitimate source passes SPF or DKIM aligned with your domain, then move to "p=quarantine" (optionally with "t=y" for a trial period) and finally "p=reject".';

function policyCheck(domain: string, record: DmarcRecord, inherited: boolean): Check {
  const effective = inherited ? (record.sp ?? record.p) : record.p;
  const np = record.np ?? record.sp ?? record.p;
  const alignment = `alignment: DKIM ${record.adkim === 's' ? 'strict' : 'relaxed'}, SPF ${record.aspf === 's' ? 'strict' : 'relaxed'}`;
  const parts = [
    `policy for ${domain}: ${effective ?? 'none (no valid p= tag)'}${inherited ? ` (from ${record.sp ? 'sp=' : 'p='} of the parent record)` : ''}`,
    `subdomains (sp): ${record.sp ?? `${record.p ?? 'none'} (inherits p)`}`,
    `non-existent subdomains (np): ${record.np ?? `${np ?? 'none'} (inherits ${record.sp ? 'sp' : 'p'})`}`,
    alignment,
  ];
  const evidence = {
    p: record.p ?? null,
    sp: record.sp ?? null,
    np: record.np ?? null,
    effective: effective ?? null,
    testing: record.testing,
    pct: record.pct ?? null,
    removedTags: record.removed,
    adkim: record.adkim,
    aspf: record.aspf,
  };
  const notes: string[] = [];
  if (record.pct !== undefined) notes.push(`pct=${record.pct} was removed by RFC 9989; receivers following it ignore pct, older RFC 7489 receivers apply the policy to ${record.pct}% of failing mail`);
  for (const tag of record.removed.filter((t) => t !== 'pct')) notes.push(`${tag}= was removed by RFC 9989 and is ignored`);
  const message = [...parts, ...notes].join('; ');

  if (effective === undefined || effective === 'none') {
    return check('dmarc.policy', 'warn', `${message}. p=none only monitors: spoofed mail is still delivered`, { remediation: ENFORCEMENT_PATH, evidence });
  }
  if (record.testing) {
    return check('dmarc.policy', 'warn', `${message}. t=y (test mode): receivers apply the next weaker policy`, {
      remediation: 'Remove "t=y" once the reports show legitimate mail passes, so the stated policy applies in full.',
      evidence,
    });
  }
  if (record.pct !== undefined && record.pct < 100) {
    return check('dmarc.policy', 'warn', `${message}. Only part of failing mail is subject to the policy at older receivers`, {
      remediation: 'Remove "pct=" (RFC 9989 replaced it with "t=y" for trial periods).',
      evidence,
    });
  }
  if (!inherited && record.sp === 'none') {
    return check('dmarc.policy', 'warn', `${message}. sp=none leaves subdomains spoofable`, {
      remediation: 'Set "sp=quarantine" or "sp=reject" (or drop sp= so subdomains inherit p=) once subdomain senders pass.',
      evidence,
    });
  }
  if (record.np === 'none') {
    return check('dmarc.policy', 'warn', `${message}. np=none leaves names that do not exist under ${domain} spoofable`, {
      remediation: 'Set "np=reject": no legitimate mail comes from names that do not exist.',
      evidence,
    });
  }
  return check('dmarc.policy', 'pass', message, { evidence });
}

function ruaCheck(record: DmarcRecord): Check {
  const evidence = { rua: record.rua.map((u) => u.uri), ruf: record.ruf.map((u) => u.uri) };
  if (record.rua.length === 0) {
    return check('dmarc.rua', 'warn', 'no aggregate report address (rua=): you cannot see who sends as your domain or whether it passes', {
      remediation: 'Add "rua=mailto:<a mailbox or DMARC report service>" to the record.',
      evidence,
    });
  }
  const problems: string[] = [];
  if (record.rua.length > 2) problems.push(`${record.rua.length} rua URIs; receivers are only required to send to two, so later ones may get nothing`);
  const sized = [...record.rua, ...record.ruf].filter((u) => u.sizeLimit !== undefined);
  if (sized.length > 0) problems.push(`the "!size" suffix on ${sized.map((u) => `${u.uri}!${u.sizeLimit}`).join(', ')} was removed by RFC 9989`);
  const nonMailto = record.rua.filter((u) => u.scheme !== 'mailto');
  if (nonMailto.length > 0) problems.push(`${nonMailto.map((u) => u.uri).join(', ')}: receivers only support mailto: URIs`);
  if (problems.length > 0) {
    return check('dmarc.rua', 'warn', `aggregate reports go to ${record.rua.map((u) => u.uri).join(', ')}, but: ${problems.join('; ')}`, {
      remediation: 'Keep one or two mailto: addresses without "!size" suffixes.',
      evidence,
    });
  }
  return check('dmarc.rua', 'pass', `aggregate reports go to ${record.rua.map((u) => u.uri).join(', ')}`, { evidence });
}

/** RFC 9989 §4.4 / RFC 7489 §7.1: a destination outside the Organizational Domain must agree to get reports. */
async function externalRuaCheck(resolver: Resolver, policyDomain: string, orgDomain: string, record: DmarcRecord): Promise<Check> {
  const hosts = [...new Set([...record.rua, ...record.ruf].map((u) => u.host).filter((h): h is string => h !== undefined))];
  const external = hosts.filter((host) => host !== orgDomain && !host.endsWith(`.${orgDomain}`));
  if (external.length === 0) {
    return check('dmarc.external_rua', 'pass', hosts.length === 0 ? 'no report destinations' : 'every report destination is inside the organizational domain', {
      evidence: { organizationalDomain: orgDomain, destinations: hosts },
    });
  }
  const results = await Promise.all(
    external.map(async (host) => {
      const name = `${policyDomain}._report._dmarc.${host}`;
      const answer = await lookupTxt(resolver, name);
      return { host, name, answer, authorized: answer.ok && answer.records.some(isDmarcRecord) };
    }),
  );
  const evidence = {
    organizationalDomain: orgDomain,
    destinations: results.map((r): Json => ({ host: r.host, name: r.name, authorized: r.answer.ok ? r.authorized : null, records: snapshotOf(r.answer) })),
  };
  const missing = results.filter((r) => r.answer.ok && !r.authorized);
  if (missing.length > 0) {
    return check('dmarc.external_rua', 'warn', `external report destinations have not authorized reports for ${policyDomain}: ${missing.map((r) => r.name).join(', ')} is missing, so receivers drop those reports`, {
      remediation: `Ask the operator of ${missing.map((r) => r.host).join(', ')} to publish a TXT record "v=DMARC1" at ${missing.map((r) => r.name).join(', ')} (report services do this when you register the domain).`,
      evidence,
    });
  }
  const failed = results.filter((r) => !r.answer.ok);
  if (failed.length > 0) {
    const reason = failed.map((r) => (r.answer.ok ? '' : r.answer.error)).join('; ');
    return check('dmarc.external_rua', 'error', `could not check the authorization of ${failed.map((r) => r.host).join(', ')}: ${reason}`, { evidence });
  }
  return check('dmarc.external_rua', 'pass', `external destinations ${external.join(', ')} authorize reports for ${policyDomain}`, { evidence });
}
