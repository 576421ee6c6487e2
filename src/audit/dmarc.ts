import { getDomain } from 'tldts';
import type { Resolver } from '../dns/types.js';
import { lookupTxt, snapshotOf, type Lookup } from '../dns/lookup.js';
import { isDmarcRecord, looksLikeDmarc, parseDmarc, treeWalkTargets, type DmarcRecord, type Policy } from './dmarc-parse.js';
import { check, type Check, type Json, type RecordSet } from './types.js';

export const DMARC_IDS = ['dmarc.present', 'dmarc.discovery', 'dmarc.single', 'dmarc.syntax', 'dmarc.policy', 'dmarc.rua', 'dmarc.external_rua'] as const;

/** One step of the tree walk as evidence: the name asked and what came back. */
export interface WalkStep {
  name: string;
  /** `passed over`: a record the walk met that is not the Organizational Domain's, so it does not apply. */
  outcome: 'record' | 'passed over' | 'none' | 'multiple' | 'error' | 'not needed';
  records: string[];
  /** Records that look meant as DMARC but that receivers skip, such as "v=dmarc1; ...". */
  ignored?: string[];
  error?: string;
}

/** What policy discovery found: the record that applies to the domain, and where it lives. */
export interface DmarcDiscovery {
  steps: WalkStep[];
  /** Undefined when none applies, or when a DNS failure hides whether one does. */
  applied: { domain: string; record: DmarcRecord; inherited: boolean } | undefined;
  /** True when, without a record at the domain itself, a DNS failure on the walk leaves the answer unknown. */
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
 * Policy discovery by the RFC 9989 DNS tree walk (§4.10), read the way mailauth 7 reads it: the domain's own
 * record applies; without one, the walk goes up until a record carries psd=y or psd=n (or a lookup fails)
 * and the record of the Organizational Domain applies, or else that of the public suffix above it. A record
 * on an intermediate name is passed over. Every level is asked at once, because the names follow from the
 * domain alone; the answers are then read nearest first.
 */
export async function discoverDmarc(resolver: Resolver, domain: string): Promise<DmarcDiscovery> {
  const targets = treeWalkTargets(domain);
  const answers = await Promise.all(targets.map((target) => lookupTxt(resolver, `_dmarc.${target}`)));
  const found: Found[] = [];
  let failedAt: number | undefined;
  let end = targets.length;
  for (let i = 0; i < targets.length; i++) {
    const answer = answers[i] as Lookup<string>;
    if (!answer.ok) {
      failedAt = i;
      end = i + 1;
      break;
    }
    const records = answer.records.filter(isDmarcRecord);
    if (records.length !== 1) continue;
    const record = parseDmarc(records[0] as string);
    found.push({ index: i, domain: targets[i] as string, record });
    if (record.psd === 'y' || record.psd === 'n') {
      end = i + 1;
      break;
    }
  }
  const own = found[0]?.index === 0 ? found[0] : undefined;
  const orgDomain = organizationalDomain(domain, found);
  let applied: DmarcDiscovery['applied'];
  if (own) applied = { domain: own.domain, record: own.record, inherited: false };
  else if (failedAt === undefined) {
    const last = found.at(-1);
    const entry = found.find((f) => f.domain === orgDomain) ?? (last?.record.psd === 'y' ? last : undefined);
    if (entry) applied = { domain: entry.domain, record: entry.record, inherited: true };
  }
  const steps = targets.map((target, i): WalkStep => {
    const answer = answers[i] as Lookup<string>;
    const name = `_dmarc.${target}`;
    if (i >= end) return { name, outcome: 'not needed', records: answer.ok ? answer.records.filter(isDmarcRecord) : [], ...(answer.ok ? {} : { error: answer.error }) };
    if (!answer.ok) return { name, outcome: 'error', records: [], error: answer.error };
    const records = answer.records.filter(isDmarcRecord);
    const ignored = answer.records.filter(looksLikeDmarc);
    const extra = ignored.length > 0 ? { ignored } : {};
    if (records.length === 1) return { name, outcome: applied?.domain === target ? 'record' : 'passed over', records, ...extra };
    return { name, outcome: records.length > 1 ? 'multiple' : 'none', records, ...extra };
  });
  return { steps, applied, unknown: !own && failedAt !== undefined, organizationalDomain: orgDomain };
}

interface Found {
  index: number;
  domain: string;
  record: DmarcRecord;
}

/**
 * RFC 9989 §4.10.2: walking up, a record with psd=n marks the Organizational Domain and psd=y below the
 * domain marks a public suffix (so the name one label below it is the Organizational Domain); otherwise it
 * is the shortest name that publishes a record, or the domain itself when none does.
 */
function organizationalDomain(domain: string, found: Found[]): string {
  for (const entry of found) {
    if (entry.record.psd === 'n') return entry.domain;
    if (entry.record.psd === 'y' && entry.index > 0) return oneLabelBelow(domain, entry.domain);
  }
  return found.at(-1)?.domain ?? domain.toLowerCase();
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
  const walk = discovery.steps.map((s): Json => ({ name: s.name, outcome: s.outcome, records: s.records, ignored: s.ignored ?? [], error: s.error ?? null }));
  const skipped = discovery.steps.filter((s) => s.ignored).map((s) => `"${s.ignored?.join('", "')}" at ${s.name}`);
  const skippedNote = skipped.length > 0 ? `; receivers skip ${skipped.join(' and ')}: the version tag must read exactly "v=DMARC1" (it is case-sensitive)` : '';
  const applied = discovery.applied;

  if (!applied) {
    if (discovery.unknown) {
      const failed = discovery.steps.find((s) => s.outcome === 'error');
      const message = `policy discovery stopped at ${failed?.name}: ${failed?.error}`;
      return { checks: DMARC_IDS.map((id) => check(id, 'error', message, { evidence: { walk } })), records, discovery, effectivePolicy: undefined, record: undefined };
    }
    const multiple = discovery.steps.filter((s) => s.outcome === 'multiple');
    const legacy = await legacyDiscovery(resolver, domain, discovery);
    const checks = [
      check('dmarc.present', 'fail', `no DMARC record applies to ${domain}: the tree walk (${discovery.steps.map((s) => s.name).join(', ')}) found none${skippedNote}`, {
        remediation: `Publish a TXT record at _dmarc.${domain}, starting with "v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}" and moving to quarantine/reject once the reports show all your mail passes.`,
        evidence: { walk },
      }),
      discoveryCheck(domain, undefined, legacy),
      singleCheck(multiple),
      ...DMARC_IDS.slice(3).map((id) => check(id, 'info', 'not applicable: no DMARC record')),
    ];
    return { checks, records, discovery, effectivePolicy: undefined, record: undefined };
  }

  const record = applied.record;
  const effectivePolicy = policyFor(record, applied.inherited);
  const where = applied.inherited ? `inherited from _dmarc.${applied.domain}` : `published at _dmarc.${applied.domain}`;
  const checks: Check[] = [
    check('dmarc.present', skipped.length > 0 ? 'warn' : 'pass', `DMARC record ${where}${applied.inherited ? ` (its ${record.sp ? 'sp=' : 'p='} applies to ${domain})` : ''}${skippedNote}`, {
      remediation: 'Write the version tag as "v=DMARC1" in the skipped record, or remove it.',
      evidence: { walk, appliedAt: `_dmarc.${applied.domain}`, inherited: applied.inherited, record: record.text, organizationalDomain: discovery.organizationalDomain },
    }),
    discoveryCheck(domain, applied, await legacyDiscovery(resolver, domain, discovery)),
    singleCheck(discovery.steps.filter((s) => s.outcome === 'multiple')),
    syntaxCheck(record),
    policyCheck(domain, record, applied.inherited),
    ruaCheck(record),
    await externalRuaCheck(resolver, applied.domain, discovery.organizationalDomain, record),
  ];
  return { checks, records, discovery, effectivePolicy, record };
}

/** What a receiver that still follows RFC 7489 §6.6.3 applies: the domain's own record, else its PSL Organizational Domain's. */
type LegacyDiscovery = { known: true; orgDomain: string; applied: { domain: string; record: DmarcRecord } | undefined } | { known: false; orgDomain: string; error: string };

async function legacyDiscovery(resolver: Resolver, domain: string, walk: DmarcDiscovery): Promise<LegacyDiscovery> {
  // Private suffixes (blogspot.com, github.io) count: they are part of the list those receivers load.
  const orgDomain = getDomain(domain, { allowPrivateDomains: true }) ?? domain;
  for (const name of orgDomain === domain ? [domain] : [domain, orgDomain]) {
    const step = walk.steps.find((s) => s.name === `_dmarc.${name}`);
    // The walk asked every level at once, so its answers are reused; only a name it skipped is asked here.
    const answer: Lookup<string> = step && step.error === undefined ? { ok: true, status: 'ok', records: step.records } : await lookupTxt(resolver, `_dmarc.${name}`);
    if (!answer.ok) return { known: false, orgDomain, error: answer.error };
    const records = answer.records.filter(isDmarcRecord);
    if (records.length === 1) return { known: true, orgDomain, applied: { domain: name, record: parseDmarc(records[0] as string) } };
  }
  return { known: true, orgDomain, applied: undefined };
}

/**
 * RFC 9989 receivers find the policy by the DNS tree walk; most large mailbox providers still use RFC 7489's
 * Public Suffix List lookup. Where the two land on different records the domain has two policies in practice.
 */
function discoveryCheck(domain: string, walked: DmarcDiscovery['applied'], legacy: LegacyDiscovery): Check {
  const describe = (found: { domain: string; record: DmarcRecord } | undefined) => (found ? `the record at _dmarc.${found.domain} ("${found.record.text}")` : 'no record, so no DMARC policy');
  const evidence = {
    treeWalk: walked ? { at: `_dmarc.${walked.domain}`, record: walked.record.text } : null,
    publicSuffixList: legacy.known ? (legacy.applied ? { at: `_dmarc.${legacy.applied.domain}`, record: legacy.applied.record.text } : null) : null,
    pslOrganizationalDomain: legacy.orgDomain,
  };
  if (!legacy.known) return check('dmarc.discovery', 'error', `could not look up the record RFC 7489 receivers use: ${legacy.error}`, { evidence });
  if ((walked?.record.text ?? null) === (legacy.applied?.record.text ?? null) && walked?.domain === legacy.applied?.domain) {
    return check('dmarc.discovery', 'pass', `RFC 9989 (DNS tree walk) and RFC 7489 (Public Suffix List) receivers both apply ${describe(walked)}`, { evidence });
  }
  return check(
    'dmarc.discovery',
    'warn',
    `receivers disagree on the policy for ${domain}: those following RFC 9989's DNS tree walk (mailauth 7 and other updated receivers) apply ${describe(walked)}; those still on RFC 7489's Public Suffix List lookup (most large mailbox providers today) take ${legacy.orgDomain} as the Organizational Domain and apply ${describe(legacy.applied)}`,
    {
      remediation: `Publish the policy you want at _dmarc.${domain} itself: a record at the domain is the one both kinds of receiver apply.`,
      evidence,
    },
  );
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

/** The policy receivers apply to mail from the domain: sp= (or p=) when inherited, p= for its own record. */
function policyFor(record: DmarcRecord, inherited: boolean): Policy | undefined {
  const tags = record.applied;
  if (!tags) return undefined;
  return inherited ? (tags.sp ?? tags.p) : tags.p;
}

function policyCheck(domain: string, record: DmarcRecord, inherited: boolean): Check {
  const effective = policyFor(record, inherited);
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

  const invalid = record.errors.filter((e) => /^(p|sp|np)=/.test(e));
  if (!record.applied) {
    return check('dmarc.policy', 'fail', `receivers ignore this record: ${invalid.length > 0 ? invalid.join('; ') : 'no valid p= tag'}, and without a valid rua= address there is no DMARC policy at all`, {
      remediation: `Give p=, sp= and np= one of none, quarantine or reject (or leave sp= and np= out), e.g. "v=DMARC1; p=reject; rua=mailto:dmarc-reports@${domain}".`,
      evidence,
    });
  }
  if (invalid.length > 0) {
    return check('dmarc.policy', 'fail', `receivers apply p=none to ${domain} and every subdomain: ${invalid.join('; ')} (RFC 9989 §4.10.1 treats a record with an invalid policy tag as p=none when rua= is valid)`, {
      remediation: 'Give p=, sp= and np= one of none, quarantine or reject, or leave sp= and np= out so they inherit p=.',
      evidence,
    });
  }

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
  const evidence = { rua: record.rua.map((u) => u.uri), ruf: record.ruf.map((u) => u.uri), invalid: [...record.rua, ...record.ruf].filter((u) => !u.valid).map((u) => u.uri) };
  if (record.rua.length > 0 && record.rua.every((u) => !u.valid)) {
    return check('dmarc.rua', 'warn', `no usable aggregate report address: ${record.rua.map((u) => `"${u.uri}"`).join(', ')} ${record.rua.length > 1 ? 'are not valid URIs' : 'is not a valid URI'}, so receivers send no reports`, {
      remediation: 'Write the address as a valid mailto: URI, percent-encoding only with two hex digits, e.g. "rua=mailto:dmarc-reports@example.com".',
      evidence,
    });
  }
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
  const hosts = [...new Set([...record.rua, ...record.ruf].filter((u) => u.valid).map((u) => u.host).filter((h): h is string => h !== undefined))];
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
