import type { Resolver } from '../dns/types.js';
import { lookup, lookupTxt, snapshotOf, type Lookup } from '../dns/lookup.js';
import { isSpfRecord, parseSpf, QUERYING_MECHANISMS, type ParsedSpf, type SpfTerm } from './spf-parse.js';
import { check, type Check, type Json, type RecordSet } from './types.js';

const MAX_LOOKUPS = 10;
const MAX_VOID = 2;
const MAX_MX_NAMES = 10;
/** RFC 7208 §3.4: a TXT answer over 512 bytes does not fit a UDP response without EDNS. */
const MAX_ANSWER_BYTES = 512;
/** Stop following a runaway tree well past the point where the verdict is certain. */
const MAX_NODES = 60;

/** One record in the include/redirect tree, with the lookups it and everything under it cost. */
export interface SpfNode {
  domain: string;
  /** How this node was reached: `root`, `include` or `redirect`. */
  via: 'root' | 'include' | 'redirect';
  record: string | null;
  /** Lookups caused by this record's own terms, up to its `all` (terms after it are never evaluated). */
  ownLookups: number;
  /** Own lookups plus every child's total: what this branch costs a receiver. */
  lookups: number;
  /** Void lookups (RFC 7208 §4.6.4) in this branch: the most a client of either address family runs into. */
  voids: number;
  /** Names in this branch that returned no records whatever the client's address family. */
  voidNames: string[];
  /** `a` names without A records (what an IPv4 client asks) and without AAAA records (an IPv6 client). */
  voidA: string[];
  voidAAAA: string[];
  /** Why the branch stops here: a loop, no SPF record, several records, an unknown DNS answer, a macro. */
  problem: string | null;
  /** True when a record in this branch could not be fetched, so its counts are a lower bound and its syntax unknown. */
  incomplete: boolean;
  /**
   * a/mx/exists names our resolver will not ask (c-ares refuses names with ":", "/", "%" or spaces, which DNS
   * allows): a receiver asks them, so the count is known and only whether they are void is not.
   */
  unknownNames: string[];
  /** a/mx/exists lookups that failed (timeout, SERVFAIL): a receiver meets the same failure and returns temperror. */
  failedNames: string[];
  /** True when an mx lookup failed, so whether it names over 10 hosts (a permerror) is unknown. */
  mxUnknown: boolean;
  /** True when the branch authorises some IPv6 address (an ip6: term or an `a` name with AAAA records). */
  ipv6: boolean;
  /** Targets in this branch that depend on the sender (macros other than %{d}), so its counts are unknown. */
  senderDependent: string[];
  /** What makes a receiver return permerror here besides syntax: several records, too many MX names. */
  permerrors: string[];
  parsed: ParsedSpf | null;
  children: SpfNode[];
}

export interface SpfResult {
  checks: Check[];
  records: Record<string, RecordSet>;
  tree: SpfNode | null;
}

interface WalkState {
  nodes: number;
}

type Mechanism = Extract<SpfTerm, { kind: 'mechanism' }>;

/** Audits a domain's SPF: finds the record, walks every include/redirect and judges the whole tree. */
export async function auditSpf(resolver: Resolver, domain: string): Promise<SpfResult> {
  const invalid = domainNameProblem(domain);
  if (invalid) {
    const records = { spf: { name: domain, records: [] } };
    const message = `${domain} is not a valid domain name (${invalid}), so receivers return "none" (RFC 7208 §4.3)`;
    return { checks: [check('spf.present', 'fail', message, { remediation: 'Audit the domain name your mail uses in MAIL FROM.' }), ...SPF_IDS.slice(1).map((id) => check(id, 'info', 'not applicable: no SPF record'))], records, tree: null };
  }
  const raw = await lookup(resolver, domain, 'TXT');
  const answer: Lookup<string> = raw.ok ? { ...raw, records: raw.records.map((chunks) => chunks.join('')) } : raw;
  const records = { spf: { name: domain, records: answer.ok ? snapshotOf({ ...answer, records: answer.records.filter(isSpfRecord) }) : null } };
  if (!answer.ok || !raw.ok) {
    const message = `could not look up TXT records for ${domain}: ${answer.ok ? '' : answer.error}`;
    return { checks: SPF_IDS.map((id) => check(id, 'error', message)), records, tree: null };
  }
  const spf = answer.records.filter(isSpfRecord);
  const evidence = { records: spf };
  if (spf.length === 0) {
    const missing = check('spf.present', 'fail', `${domain} publishes no SPF record`, {
      remediation: `Publish a TXT record at ${domain} listing the servers that send its mail, e.g. "v=spf1 include:<your provider> -all".`,
      evidence: { records: answer.records },
    });
    const rest = SPF_IDS.slice(1).map((id) => check(id, 'info', 'not applicable: no SPF record'));
    return { checks: [missing, ...rest], records, tree: null };
  }
  const checks: Check[] = [check('spf.present', 'pass', `${domain} publishes an SPF record`, { evidence })];
  if (spf.length > 1) {
    checks.push(
      check('spf.single', 'fail', `${domain} publishes ${spf.length} SPF records; receivers return permerror and ignore all of them`, {
        remediation: 'Merge them into one "v=spf1 ..." record: combine the include/ip4/ip6 terms and keep a single "all" at the end.',
        evidence,
      }),
    );
  } else {
    checks.push(check('spf.single', 'pass', 'exactly one SPF record', { evidence }));
  }

  const record = spf[0] as string;
  const tree = await walk(resolver, domain, 'root', record, [], { nodes: 0 });
  checks.push(syntaxCheck(tree));
  checks.push(lookupsCheck(tree));
  checks.push(voidCheck(tree));
  checks.push(allCheck(tree));
  checks.push(ptrCheck(tree));
  checks.push(sizeCheck(domain, raw.records, record));
  return { checks, records, tree };
}

export const SPF_IDS = ['spf.present', 'spf.single', 'spf.syntax', 'spf.lookups', 'spf.void_lookups', 'spf.all', 'spf.ptr', 'spf.size'] as const;

/** RFC 7208 §4.3: labels of 1-63 octets, at most 253 in all, and more than one label. */
function domainNameProblem(domain: string): string | undefined {
  const labels = domain.replace(/\.$/, '').split('.');
  if (labels.length < 2) return 'a single label';
  if (labels.some((label) => label.length === 0)) return 'an empty label';
  if (labels.some((label) => label.length > 63)) return 'a label longer than 63 characters';
  if (domain.length > 253) return 'longer than 253 characters';
  if (/[\s[\]]/.test(domain)) return 'an address literal or spaces';
  return undefined;
}

function emptyNode(domain: string, via: SpfNode['via']): SpfNode {
  return { domain, via, record: null, ownLookups: 0, lookups: 0, voids: 0, voidNames: [], voidA: [], voidAAAA: [], problem: null, incomplete: false, unknownNames: [], failedNames: [], mxUnknown: false, ipv6: false, senderDependent: [], permerrors: [], parsed: null, children: [] };
}

async function walk(
  resolver: Resolver,
  domain: string,
  via: SpfNode['via'],
  knownRecord: string | undefined,
  path: string[],
  state: WalkState,
): Promise<SpfNode> {
  state.nodes++;
  const node = emptyNode(domain, via);
  const key = domain.toLowerCase();
  if (path.includes(key)) {
    node.problem = `loop: ${domain} is already on the path ${[...path, key].join(' → ')}`;
    return node;
  }
  if (state.nodes > MAX_NODES) {
    node.problem = 'not followed: the tree is far past the lookup limit already';
    return node;
  }
  let record = knownRecord;
  if (record === undefined) {
    const answer = await lookupTxt(resolver, domain);
    if (!answer.ok) {
      node.problem = `unknown: ${answer.error}`;
      node.incomplete = true;
      return node;
    }
    const found = answer.records.filter(isSpfRecord);
    if (found.length === 0) {
      node.problem = `no SPF record at ${domain} (an ${via} of a domain without SPF is a permerror)`;
      if (answer.status !== 'ok' || answer.records.length === 0) node.voidNames.push(domain);
      return node;
    }
    if (found.length > 1) {
      node.problem = `${found.length} SPF records at ${domain} (permerror)`;
      node.permerrors.push(node.problem);
      return node;
    }
    record = found[0] as string;
  }
  node.record = record;
  const parsed = parseSpf(record);
  node.parsed = parsed;

  const childPath = [...path, key];
  const evaluated = evaluatedTerms(parsed.terms);
  const hasAll = evaluated.some((t) => t.kind === 'mechanism' && t.name === 'all');
  const redirect = hasAll ? undefined : parsed.terms.find((t) => t.kind === 'modifier' && t.name === 'redirect');
  const querying = [...evaluated.filter((t): t is Mechanism => t.kind === 'mechanism' && QUERYING_MECHANISMS.has(t.name)), ...(redirect ? [redirect] : [])];
  node.ownLookups = querying.length;
  node.ipv6 = evaluated.some((t) => t.kind === 'mechanism' && t.name === 'ip6');
  // A record with a syntax error is a permerror before any term is evaluated: nothing under it is asked.
  if (parsed.errors.length === 0) {
    // Branches do not depend on each other, so their queries go out together; children keep the term order.
    const children = await Promise.all(
      querying.map((term) =>
        term.kind === 'modifier' ? followTarget(resolver, domain, term.value, 'redirect', childPath, state) : followMechanism(resolver, domain, term, childPath, state, node),
      ),
    );
    node.children = children.filter((c): c is SpfNode => c !== undefined);
  }
  node.lookups = node.ownLookups + node.children.reduce((sum, child) => sum + child.lookups, 0);
  for (const child of node.children) {
    node.voidNames.push(...child.voidNames);
    node.voidA.push(...child.voidA);
    node.voidAAAA.push(...child.voidAAAA);
    node.senderDependent.push(...child.senderDependent);
    node.unknownNames.push(...child.unknownNames);
    node.failedNames.push(...child.failedNames);
    node.mxUnknown ||= child.mxUnknown;
    node.ipv6 ||= child.ipv6;
  }
  node.voids = node.voidNames.length + Math.max(node.voidA.length, node.voidAAAA.length);
  node.incomplete ||= node.children.some((child) => child.incomplete);
  return node;
}

function unanswered(node: SpfNode, name: string, failure: Extract<Lookup<unknown>, { ok: false }>) {
  if (failure.kind === 'badname') node.unknownNames.push(name);
  else node.failedNames.push(`${name} (${failure.error})`);
}

/** The terms a receiver evaluates: everything up to and including the first `all` (RFC 7208 §4.6.2). */
function evaluatedTerms(terms: SpfTerm[]): SpfTerm[] {
  const all = terms.findIndex((t) => t.kind === 'mechanism' && t.name === 'all');
  return all < 0 ? terms : terms.slice(0, all + 1);
}

/**
 * Expands the macros an audit knows: %{d} (with its digit, "r" and delimiter transformers) is the domain
 * whose record is being read, and %%, %_, %- are literals. Undefined when another macro (the sender's
 * address, IP or HELO name) is needed, so only a receiver can tell where the term leads.
 */
export function expandDomainMacros(spec: string, domain: string): string | undefined {
  let unknown = false;
  const expanded = spec.replace(/%\{([a-z])(\d*)(r?)([.\-+,/_=]*)\}|%%|%_|%-/gi, (match, letter?: string, digits?: string, reverse?: string, delimiters?: string) => {
    if (match === '%%') return '%';
    if (match === '%_') return ' ';
    if (match === '%-') return '%20';
    if (letter?.toLowerCase() !== 'd') {
      unknown = true;
      return match;
    }
    let parts = domain.split(new RegExp(`[${(delimiters || '.').replace(/[-\\\]^]/g, '\\$&')}]`));
    if (reverse) parts = parts.reverse();
    if (digits) parts = parts.slice(-Number(digits));
    return parts.join('.');
  });
  return unknown ? undefined : expanded;
}

async function followTarget(resolver: Resolver, domain: string, spec: string, via: 'include' | 'redirect', path: string[], state: WalkState): Promise<SpfNode> {
  const target = expandDomainMacros(spec, domain)?.replace(/\.$/, '');
  if (target === undefined) {
    const node = emptyNode(spec, via);
    node.problem = 'not followed: the target uses macros that depend on the sender, so what it costs is unknown';
    node.senderDependent.push(`${via}:${spec}`);
    return node;
  }
  return walk(resolver, target, via, undefined, path, state);
}

async function followMechanism(resolver: Resolver, domain: string, term: Mechanism, path: string[], state: WalkState, node: SpfNode): Promise<SpfNode | undefined> {
  if (term.name === 'include') return followTarget(resolver, domain, term.target ?? '', 'include', path, state);
  if (term.name === 'ptr') return undefined;
  const target = expandDomainMacros(term.target ?? domain, domain)?.replace(/\.$/, '');
  // a/mx/exists with a sender-dependent name still cost their one lookup; whether it is void depends on the sender.
  if (target === undefined) return undefined;
  // An answer with no records counts toward the void limit (RFC 7208 §4.6.4).
  if (term.name === 'mx') {
    const answer = await lookup(resolver, target, 'MX');
    if (!answer.ok) {
      unanswered(node, target, answer);
      node.mxUnknown = true;
      return undefined;
    }
    if (answer.records.length === 0) node.voidNames.push(target);
    if (answer.records.length > MAX_MX_NAMES) node.permerrors.push(`"${term.text}" names ${answer.records.length} MX hosts; more than ${MAX_MX_NAMES} is a permerror`);
    return undefined;
  }
  if (term.name === 'exists') {
    // exists asks for A records whatever the client's address family (RFC 7208 §5.7).
    const answer = await lookup(resolver, target, 'A');
    if (!answer.ok) unanswered(node, target, answer);
    else if (answer.records.length === 0) node.voidNames.push(target);
    return undefined;
  }
  // "a" asks for the client's family only: A for an IPv4 client, AAAA for an IPv6 one (RFC 7208 §5.3).
  const [a, aaaa] = await Promise.all([lookup(resolver, target, 'A'), lookup(resolver, target, 'AAAA')]);
  if (!a.ok || !aaaa.ok) {
    unanswered(node, target, (!a.ok ? a : aaaa) as Extract<Lookup<string>, { ok: false }>);
    return undefined;
  }
  if (a.records.length === 0) node.voidA.push(target);
  if (aaaa.records.length === 0) node.voidAAAA.push(target);
  else node.ipv6 = true;
  return undefined;
}

function* nodes(tree: SpfNode): Generator<SpfNode> {
  yield tree;
  for (const child of tree.children) yield* nodes(child);
}

/** The tree as evidence: each record with its branch cost, without the parsed terms. */
export function treeEvidence(node: SpfNode): { [key: string]: Json } {
  return {
    domain: node.domain,
    via: node.via,
    record: node.record,
    lookups: node.lookups,
    ownLookups: node.ownLookups,
    voids: node.voids,
    voidNames: node.voidNames,
    unknownNames: node.unknownNames,
    voidA: node.voidA,
    voidAAAA: node.voidAAAA,
    problem: node.problem,
    children: node.children.map(treeEvidence),
  };
}

/** The tree as indented lines with per-branch counts, for messages and the human report. */
export function renderTree(node: SpfNode, prefix = '', last = true, root = true): string[] {
  const label = root ? node.domain : `${node.via}:${node.domain}`;
  // A branch costs its own include/redirect term plus everything under it: what removing it would save.
  const total = root ? node.lookups : node.lookups + 1;
  const cost = `${total} lookup${total === 1 ? '' : 's'}`;
  const line = `${root ? '' : `${prefix}${last ? '└─ ' : '├─ '}`}${label} (${cost})${node.problem ? ` — ${node.problem}` : ''}`;
  const childPrefix = root ? '' : `${prefix}${last ? '   ' : '│  '}`;
  return [line, ...node.children.flatMap((child, i) => renderTree(child, childPrefix, i === node.children.length - 1, false))];
}

function syntaxCheck(tree: SpfNode): Check {
  const problems: string[] = [];
  const notes: string[] = [];
  for (const node of nodes(tree)) {
    for (const error of node.parsed?.errors ?? []) problems.push(`${node.domain}: ${error}`);
    for (const note of node.parsed?.notes ?? []) notes.push(`${node.domain}: ${note}`);
    for (const permerror of node.permerrors) problems.push(`${node.domain}: ${permerror}`);
  }
  const evidence = { problems, notes, record: tree.record };
  if (problems.length > 0) {
    return check('spf.syntax', 'fail', `SPF syntax errors (receivers return permerror): ${problems.join('; ')}`, {
      remediation: 'Fix the listed terms: mechanisms are all, include, a, mx, ptr, ip4, ip6 and exists; CIDR lengths are /0-32 for IPv4 and /0-128 for IPv6.',
      evidence,
    });
  }
  if (tree.incomplete) return check('spf.syntax', 'error', 'part of the include tree could not be fetched, so its syntax is unknown', { evidence });
  if (tree.mxUnknown) return check('spf.syntax', 'error', 'an "mx" lookup failed, so whether it names more than 10 hosts (a permerror) is unknown', { evidence });
  for (const node of nodes(tree)) {
    const terms = node.parsed?.terms ?? [];
    const skipped = terms.slice(evaluatedTerms(terms).length).filter((t) => t.kind === 'mechanism');
    if (skipped.length > 0) notes.push(`${node.domain}: ${skipped.map((t) => `"${t.text}"`).join(', ')} after "all" ${skipped.length > 1 ? 'are' : 'is'} never evaluated`);
  }
  const suffix = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  return check('spf.syntax', 'pass', `every record in the tree parses${suffix}`, { evidence });
}

function lookupsCheck(tree: SpfNode): Check {
  const loops = [...nodes(tree)].filter((n) => n.problem?.startsWith('loop:'));
  const rendered = renderTree(tree);
  const evidence = { total: tree.lookups, limit: MAX_LOOKUPS, tree: treeEvidence(tree), rendered };
  if (loops.length > 0) {
    return check('spf.lookups', 'fail', `the include tree loops (${loops.map((n) => n.problem).join('; ')}); receivers return permerror`, {
      remediation: 'Remove the include or redirect that points back to a record already on the path.',
      evidence,
    });
  }
  if (tree.lookups > MAX_LOOKUPS) {
    return check('spf.lookups', 'fail', `${tree.lookups} DNS-querying terms across the include tree; over ${MAX_LOOKUPS} is a permerror (RFC 7208 §4.6.4)\n${rendered.join('\n')}`, {
      remediation: 'Cut lookups: replace includes of providers you no longer use, flatten stable ranges into ip4:/ip6: terms, drop "a", "mx" and "ptr" where an ip4:/ip6: term does the job, or move a provider to a subdomain with its own SPF.',
      evidence,
    });
  }
  if (tree.incomplete) return check('spf.lookups', 'error', `at least ${tree.lookups} lookups; part of the tree could not be fetched`, { evidence });
  if (tree.senderDependent.length > 0) {
    return check('spf.lookups', 'error', `at least ${tree.lookups} lookups; ${tree.senderDependent.join(', ')} depend${tree.senderDependent.length > 1 ? '' : 's'} on the sender's address, so what ${tree.senderDependent.length > 1 ? 'they cost' : 'it costs'} is unknown`, { evidence });
  }
  const status = tree.lookups >= 9 ? 'warn' : 'pass';
  return check('spf.lookups', status, `${tree.lookups} of ${MAX_LOOKUPS} DNS lookups used${status === 'warn' ? '; one more include will break SPF' : ''}`, {
    remediation: 'Leave headroom below 10: flatten or remove includes before adding a provider.',
    evidence,
  });
}

function voidCheck(tree: SpfNode): Check {
  const withoutSpf = [...nodes(tree)].filter((n) => n !== tree && n.problem?.startsWith('no SPF record'));
  // An IPv4 client only asks for A records and an IPv6 client only for AAAA, so each meets its own voids.
  // IPv6 clients are only judged when the record authorises IPv6 senders; otherwise no legitimate mail meets them.
  const families = [
    { family: 'IPv4', names: [...tree.voidNames, ...tree.voidA] },
    ...(tree.ipv6 ? [{ family: 'IPv6', names: [...tree.voidNames, ...tree.voidAAAA] }] : []),
  ];
  const evidence = {
    voids: Math.max(...families.map((f) => f.names.length)),
    limit: MAX_VOID,
    names: tree.voidNames,
    ipv4Names: [...tree.voidNames, ...tree.voidA],
    ipv6Names: [...tree.voidNames, ...tree.voidAAAA],
    ipv6Judged: tree.ipv6,
    unknownNames: tree.unknownNames,
    failedNames: tree.failedNames,
    includesWithoutSpf: withoutSpf.map((n) => n.domain),
  };
  const over = families.filter((f) => f.names.length > MAX_VOID);
  if (over.length > 0) {
    const detail = over.map((f) => `${f.names.length} for ${f.family} clients (${f.names.join(', ')})`).join('; ');
    return check('spf.void_lookups', 'fail', `lookups that return no records: ${detail}; over ${MAX_VOID} is a permerror (RFC 7208 §4.6.4)`, {
      remediation: 'Remove the terms that point at names that no longer exist (often a provider you left or a typo), and give "a:" names the addresses of both families your servers send from.',
      evidence,
    });
  }
  if (withoutSpf.length > 0) {
    return check('spf.void_lookups', 'fail', `include or redirect targets without an SPF record: ${withoutSpf.map((n) => `${n.via}:${n.domain}`).join(', ')}; receivers return permerror`, {
      remediation: 'Fix the include/redirect targets (check the spelling against your provider\'s documentation) or remove them.',
      evidence,
    });
  }
  const known = evidence.voids;
  if (tree.failedNames.length > 0) {
    return check('spf.void_lookups', 'error', `at least ${known} void lookups; lookups failed for ${tree.failedNames.join(', ')}, and receivers return temperror when they reach them`, { evidence });
  }
  if (tree.incomplete) return check('spf.void_lookups', 'error', `at least ${known} void lookups; part of the tree could not be fetched`, { evidence });
  if (tree.senderDependent.length > 0) return check('spf.void_lookups', 'error', `at least ${known} void lookups; ${tree.senderDependent.join(', ')} depend on the sender's address`, { evidence });
  // A name whose answer is unknown may be void; it only matters if it could push the count over the limit.
  if (known + tree.unknownNames.length > MAX_VOID) {
    return check('spf.void_lookups', 'error', `at least ${known} void lookups; the answers for ${tree.unknownNames.join(', ')} are unknown and could take it over ${MAX_VOID}`, { evidence });
  }
  const unknownNote = tree.unknownNames.length > 0 ? `; even if ${tree.unknownNames.join(', ')} (unknown) ${tree.unknownNames.length > 1 ? 'were' : 'was'} void it stays within the limit` : '';
  return check('spf.void_lookups', 'pass', `${known} void lookup${known === 1 ? '' : 's'} (limit ${MAX_VOID})${unknownNote}`, { evidence });
}

/** The `all` a receiver ends on: the root's own, or the one reached through `redirect=`. */
function effectiveAll(tree: SpfNode): { term: Mechanism | undefined; from: string; known: boolean; broken: SpfNode | undefined } {
  let node: SpfNode | undefined = tree;
  while (node) {
    const all = node.parsed?.terms.find((t): t is Mechanism => t.kind === 'mechanism' && t.name === 'all');
    if (all) return { term: all, from: node.domain, known: true, broken: undefined };
    const next: SpfNode | undefined = node.children.find((c) => c.via === 'redirect');
    if (next && !next.parsed) {
      // RFC 7208 §6.1: a redirect to a domain without one usable SPF record is a permerror, not "no all".
      if (next.problem?.startsWith('no SPF record') || next.permerrors.length > 0 || next.problem?.startsWith('loop:')) return { term: undefined, from: next.domain, known: true, broken: next };
      if (next.incomplete || next.senderDependent.length > 0) return { term: undefined, from: next.domain, known: false, broken: undefined };
    }
    node = next;
  }
  return { term: undefined, from: tree.domain, known: true, broken: undefined };
}

function allCheck(tree: SpfNode): Check {
  const { term, from, known, broken } = effectiveAll(tree);
  const evidence = { all: term?.text ?? null, from };
  if (broken) {
    return check('spf.all', 'fail', `redirect=${from} leads nowhere (${broken.problem}); receivers return permerror for every message`, {
      remediation: `Point redirect= at a domain that publishes exactly one SPF record, or replace it with an include and an "all" of your own.`,
      evidence,
    });
  }
  if (!known) return check('spf.all', 'error', `the redirect target ${from} could not be fetched or depends on the sender`, { evidence });
  const where = from === tree.domain ? '' : ` (via redirect to ${from})`;
  if (!term) {
    return check('spf.all', 'warn', `no "all" mechanism${where}: mail from unlisted servers gets a neutral result`, {
      remediation: 'End the record with "~all" (soft fail) or, once every sender is listed, "-all" (fail).',
      evidence,
    });
  }
  switch (term.qualifier) {
    case '+':
      return check('spf.all', 'fail', `"${term.text}"${where} lets any server on the internet pass SPF for this domain`, {
        remediation: 'Replace "+all" with "~all" or "-all" after listing your real senders.',
        evidence,
      });
    case '?':
      return check('spf.all', 'warn', `"${term.text}"${where} gives unlisted servers a neutral result, which protects nothing`, {
        remediation: 'Use "~all" (soft fail) or "-all" (fail).',
        evidence,
      });
    case '~':
      return check('spf.all', 'pass', `"~all"${where}: unlisted servers soft-fail; DMARC decides what happens to them`, { evidence });
    case '-':
      return check('spf.all', 'pass', `"-all"${where}: unlisted servers fail SPF outright`, { evidence });
  }
}

function ptrCheck(tree: SpfNode): Check {
  const users = [...nodes(tree)].filter((n) => n.parsed?.terms.some((t) => t.kind === 'mechanism' && t.name === 'ptr')).map((n) => n.domain);
  if (users.length > 0) {
    return check('spf.ptr', 'warn', `the deprecated "ptr" mechanism is used in ${users.join(', ')} (RFC 7208 §5.5); it is slow and some receivers skip it`, {
      remediation: 'Replace "ptr" with ip4:/ip6: terms for the servers it was meant to cover.',
      evidence: { records: users },
    });
  }
  return check('spf.ptr', 'pass', 'no "ptr" mechanism', { evidence: { records: [] } });
}

/**
 * The DNS response a receiver gets for the domain's TXT records: every record at the name, not only the SPF
 * one, has to fit the 512 bytes of a plain UDP answer or the receiver must retry over TCP (RFC 7208 §3.4).
 */
function sizeCheck(domain: string, answer: string[][], record: string): Check {
  const encoder = new TextEncoder();
  const question = encoder.encode(domain).length + 2 + 4;
  const rdata = answer.map((strings) => strings.reduce((sum, s) => sum + 1 + encoder.encode(s).length, 0));
  // Header, the question, and per record a compressed name (2), type, class, TTL and length (10).
  const bytes = 12 + question + rdata.reduce((sum, n) => sum + 2 + 10 + n, 0);
  const recordBytes = encoder.encode(record).length;
  const evidence = { bytes, recordBytes, records: answer.length, limit: MAX_ANSWER_BYTES };
  if (bytes > MAX_ANSWER_BYTES) {
    return check('spf.size', 'warn', `the TXT answer for ${domain} is about ${bytes} bytes (${answer.length} record${answer.length === 1 ? '' : 's'}, the SPF record ${recordBytes}); over ${MAX_ANSWER_BYTES} it is truncated over UDP and receivers must retry over TCP, which some do not`, {
      remediation: 'Shorten the answer: remove TXT records you no longer need at this name (old verification tokens), and move groups of ip4:/ip6: terms behind an include of a subdomain you control.',
      evidence,
    });
  }
  return check('spf.size', 'pass', `the TXT answer for ${domain} is about ${bytes} bytes (the SPF record ${recordBytes})`, { evidence });
}
