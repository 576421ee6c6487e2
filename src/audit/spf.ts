import type { Resolver } from '../dns/types.js';
import { lookup, lookupTxt, snapshotOf, type Lookup } from './lookup.js';
import { hasMacro, isSpfRecord, parseSpf, QUERYING_MECHANISMS, type ParsedSpf, type SpfTerm } from './spf-parse.js';
import { check, type Check, type Json, type RecordSet } from './types.js';

const MAX_LOOKUPS = 10;
const MAX_VOID = 2;
const MAX_MX_NAMES = 10;
/** RFC 7208 §3.4: keep the answer under 512 bytes; 450 leaves room for the rest of the response. */
const MAX_RECORD_BYTES = 450;
/** Stop following a runaway tree well past the point where the verdict is certain. */
const MAX_NODES = 60;

/** One record in the include/redirect tree, with the lookups it and everything under it cost. */
export interface SpfNode {
  domain: string;
  /** How this node was reached: `root`, `include` or `redirect`. */
  via: 'root' | 'include' | 'redirect';
  record: string | null;
  /** Lookups caused by this record's own terms. */
  ownLookups: number;
  /** Own lookups plus every child's total: what this branch costs a receiver. */
  lookups: number;
  /** Void lookups (no records) in this branch, including this node's. */
  voids: number;
  voidNames: string[];
  /** Why the branch stops here: a loop, no SPF record, several records, an unknown DNS answer, a macro. */
  problem: string | null;
  /** True when DNS failed somewhere in this branch, so its counts are a lower bound. */
  incomplete: boolean;
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

/** Audits a domain's SPF: finds the record, walks every include/redirect and judges the whole tree. */
export async function auditSpf(resolver: Resolver, domain: string): Promise<SpfResult> {
  const answer = await lookupTxt(resolver, domain);
  const records = { spf: { name: domain, records: answer.ok ? snapshotOf({ ...answer, records: answer.records.filter(isSpfRecord) }) : null } };
  if (!answer.ok) {
    const message = `could not look up TXT records for ${domain}: ${answer.error}`;
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
  checks.push(sizeCheck(record));
  return { checks, records, tree };
}

export const SPF_IDS = ['spf.present', 'spf.single', 'spf.syntax', 'spf.lookups', 'spf.void_lookups', 'spf.all', 'spf.ptr', 'spf.size'] as const;

async function walk(
  resolver: Resolver,
  domain: string,
  via: SpfNode['via'],
  knownRecord: string | undefined,
  path: string[],
  state: WalkState,
): Promise<SpfNode> {
  state.nodes++;
  const node: SpfNode = {
    domain,
    via,
    record: null,
    ownLookups: 0,
    lookups: 0,
    voids: 0,
    voidNames: [],
    problem: null,
    incomplete: false,
    permerrors: [],
    parsed: null,
    children: [],
  };
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
      if (answer.status !== 'ok' || answer.records.length === 0) {
        node.voids = 1;
        node.voidNames.push(domain);
      }
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
  const hasAll = parsed.terms.some((t) => t.kind === 'mechanism' && t.name === 'all');
  const work: Array<Promise<void>> = [];
  for (const term of parsed.terms) {
    if (term.kind === 'mechanism' && QUERYING_MECHANISMS.has(term.name)) {
      node.ownLookups++;
      work.push(followMechanism(resolver, domain, term, childPath, state, node));
    } else if (term.kind === 'modifier' && term.name === 'redirect' && !hasAll) {
      node.ownLookups++;
      work.push(followTarget(resolver, term.value, 'redirect', childPath, state, node));
    }
  }
  // Branches do not depend on each other, so their queries go out together.
  await Promise.all(work);
  node.children.sort((a, b) => order(parsed.terms, a) - order(parsed.terms, b));
  node.lookups = node.ownLookups + node.children.reduce((sum, child) => sum + child.lookups, 0);
  node.voids += node.children.reduce((sum, child) => sum + child.voids, 0);
  node.voidNames.push(...node.children.flatMap((child) => child.voidNames));
  node.incomplete ||= node.children.some((child) => child.incomplete);
  return node;
}

function order(terms: SpfTerm[], child: SpfNode): number {
  const index = terms.findIndex((t) => t.value?.toLowerCase() === child.domain.toLowerCase());
  return index < 0 ? terms.length : index;
}

async function followTarget(resolver: Resolver, target: string, via: 'include' | 'redirect', path: string[], state: WalkState, parent: SpfNode) {
  const domain = target.replace(/\.$/, '');
  if (hasMacro(domain)) {
    parent.children.push(stub(domain, via, 'not followed: the target uses macros that depend on the sender'));
    return;
  }
  parent.children.push(await walk(resolver, domain, via, undefined, path, state));
}

async function followMechanism(resolver: Resolver, domain: string, term: Extract<SpfTerm, { kind: 'mechanism' }>, path: string[], state: WalkState, node: SpfNode) {
  if (term.name === 'include') return followTarget(resolver, term.value ?? '', 'include', path, state, node);
  if (term.name === 'ptr') return;
  const target = (term.name === 'exists' ? (term.value ?? '') : targetOf(term.value) || domain).replace(/\.$/, '');
  if (hasMacro(target)) return;
  // a/mx/exists cost a lookup each; an answer with no records counts toward the void limit (RFC 7208 §4.6.4).
  if (term.name === 'mx') {
    const answer = await lookup(resolver, target, 'MX');
    if (!answer.ok) {
      node.incomplete = true;
      return;
    }
    if (answer.records.length === 0) markVoid(node, target);
    if (answer.records.length > MAX_MX_NAMES) node.permerrors.push(`"${term.text}" names ${answer.records.length} MX hosts; more than ${MAX_MX_NAMES} is a permerror`);
    return;
  }
  const answers = term.name === 'exists' ? [await lookup(resolver, target, 'A')] : await Promise.all([lookup(resolver, target, 'A'), lookup(resolver, target, 'AAAA')]);
  if (answers.some((a) => !a.ok)) {
    node.incomplete = true;
    return;
  }
  if (answers.every((a) => (a as Extract<Lookup<string>, { ok: true }>).records.length === 0)) markVoid(node, target);
}

function targetOf(value: string | undefined): string {
  return (value ?? '').split('/')[0] ?? '';
}

function markVoid(node: SpfNode, name: string) {
  node.voids++;
  node.voidNames.push(name);
}

function stub(domain: string, via: SpfNode['via'], problem: string): SpfNode {
  return { domain, via, record: null, ownLookups: 0, lookups: 0, voids: 0, voidNames: [], problem, incomplete: false, permerrors: [], parsed: null, children: [] };
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
  const status = tree.lookups >= 9 ? 'warn' : 'pass';
  return check('spf.lookups', status, `${tree.lookups} of ${MAX_LOOKUPS} DNS lookups used${status === 'warn' ? '; one more include will break SPF' : ''}`, {
    remediation: 'Leave headroom below 10: flatten or remove includes before adding a provider.',
    evidence,
  });
}

function voidCheck(tree: SpfNode): Check {
  const withoutSpf = [...nodes(tree)].filter((n) => n !== tree && n.problem?.startsWith('no SPF record'));
  const evidence = { voids: tree.voids, limit: MAX_VOID, names: tree.voidNames, includesWithoutSpf: withoutSpf.map((n) => n.domain) };
  if (tree.voids > MAX_VOID) {
    return check('spf.void_lookups', 'fail', `${tree.voids} lookups return no records (${tree.voidNames.join(', ')}); over ${MAX_VOID} is a permerror (RFC 7208 §4.6.4)`, {
      remediation: 'Remove the terms that point at names that no longer exist (often a provider you left or a typo).',
      evidence,
    });
  }
  if (withoutSpf.length > 0) {
    return check('spf.void_lookups', 'fail', `included domains without an SPF record: ${withoutSpf.map((n) => n.domain).join(', ')}; receivers return permerror`, {
      remediation: 'Fix the include targets (check the spelling against your provider\'s documentation) or remove them.',
      evidence,
    });
  }
  if (tree.incomplete) return check('spf.void_lookups', 'error', `at least ${tree.voids} void lookups; part of the tree could not be fetched`, { evidence });
  return check('spf.void_lookups', 'pass', `${tree.voids} void lookup${tree.voids === 1 ? '' : 's'} (limit ${MAX_VOID})`, { evidence });
}

/** The `all` a receiver ends on: the root's own, or the one reached through `redirect=`. */
function effectiveAll(tree: SpfNode): { term: Extract<SpfTerm, { kind: 'mechanism' }> | undefined; from: string; known: boolean } {
  let node: SpfNode | undefined = tree;
  while (node) {
    const all = node.parsed?.terms.find((t): t is Extract<SpfTerm, { kind: 'mechanism' }> => t.kind === 'mechanism' && t.name === 'all');
    if (all) return { term: all, from: node.domain, known: true };
    const next: SpfNode | undefined = node.children.find((c) => c.via === 'redirect');
    if (next && next.incomplete && !next.parsed) return { term: undefined, from: next.domain, known: false };
    node = next;
  }
  return { term: undefined, from: tree.domain, known: true };
}

function allCheck(tree: SpfNode): Check {
  const { term, from, known } = effectiveAll(tree);
  const evidence = { all: term?.text ?? null, from };
  if (!known) return check('spf.all', 'error', `the redirect target ${from} could not be fetched`, { evidence });
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

function sizeCheck(record: string): Check {
  const bytes = new TextEncoder().encode(record).length;
  const evidence = { bytes, limit: MAX_RECORD_BYTES };
  if (bytes > MAX_RECORD_BYTES) {
    return check('spf.size', 'warn', `the SPF record is ${bytes} bytes; over ${MAX_RECORD_BYTES} the DNS answer risks truncation over UDP and failed lookups`, {
      remediation: 'Shorten the record: move groups of ip4:/ip6: terms behind an include of a subdomain you control.',
      evidence,
    });
  }
  return check('spf.size', 'pass', `the SPF record is ${bytes} bytes`, { evidence });
}
