import { DnsError, describeKind, type DnsAnswer, type Resolver } from '../dns/types.js';
import { decodeAnswer, type Decoded } from './decode.js';
import type { ActiveList } from './lists.js';
import { reverseAddress } from '../dns/reverse.js';
import { listAccepts, parseTarget, queryLabel, type RegistrableDomain, type Target } from './targets.js';
import type { CheckResult, ListDefinition, ListHealth } from './types.js';

export interface SweepOptions {
  /**
   * The run's resolver: the configured servers, each query bounded by its timeout and tries (`dns.timeoutMs`,
   * `dns.tries`, enforced natively by c-ares), answers cached for their TTL for the whole sweep.
   */
  resolver: Resolver;
  lists: readonly ActiveList[];
  targets: readonly Target[];
  /** The Public Suffix List lookup, for lists that take registrable domains. */
  registrable: RegistrableDomain;
  concurrency: number;
  /** Further attempts after a timeout or SERVFAIL. */
  retries: number;
  /** Keys that appear in query names; scrubbed from anything a list says back. */
  secrets?: readonly string[];
  signal?: AbortSignal;
}

export interface SweepResult {
  results: CheckResult[];
  health: ListHealth[];
  queries: number;
}

const RETRYABLE = new Set(['timeout', 'servfail', 'connection', 'other']);

/**
 * Checks every target on every list that takes it. Each list's RFC 5782 test points are asked first;
 * a list that fails them is not trusted this sweep and its results are errors carrying the cause.
 */
export async function sweep(options: SweepOptions): Promise<SweepResult> {
  let queries = 0;
  const scrub = scrubber(options.secrets ?? []);

  /**
   * One A lookup on one list, retried after a timeout or SERVFAIL; a lookup that still fails comes back as
   * an error outcome naming the cause. `then` receives the outcome in the same promise reaction that
   * reads the answer, and there is no timer of our own: this runs thousands of times a sweep, and the
   * resolver already bounds every query.
   */
  function lookup<R>(list: ActiveList, name: string, then: (outcome: Decoded | 'clean') => R | Promise<R>, attempt = 0): Promise<R> {
    queries++;
    return options.resolver.query(name, 'A').then(
      (answer) => then(outcomeOf(list.definition, answer)),
      (error: unknown) => {
        if (error instanceof DnsError && attempt < options.retries && RETRYABLE.has(error.kind)) return lookup(list, name, then, attempt + 1);
        return then({ outcome: 'error', codes: [], error: failure(error) });
      },
    );
  }

  /** The TXT record at a listed name, as the list's own words; a courtesy, so one attempt and no error. */
  async function reasonAt(list: ActiveList, label: string): Promise<string | null> {
    const name = `${label}.${list.queryZone}`;
    queries++;
    try {
      const answer = await options.resolver.query(name, 'TXT');
      const text = answer.records.map((parts) => parts.join('')).join(' | ');
      return text ? scrub(text) : null;
    } catch {
      return null;
    }
  }

  /** Why a list fails one pair of test points, or null; the IPv6 pair is asked by nibbles, never mapped to IPv4. */
  async function pointsCause(list: ActiveList, points: TestPoints, label: (point: string) => string): Promise<string | null> {
    const [positive, negative] = await Promise.all([
      points.listed === undefined ? undefined : lookup(list, `${label(points.listed)}.${list.queryZone}`, asIs),
      lookup(list, `${label(points.unlisted)}.${list.queryZone}`, asIs),
    ]);
    return healthCause(points, positive, negative);
  }

  /**
   * A list's health from its RFC 5782 test points: the IPv4 (or domain) pair always, and the IPv6 pair when
   * it has IPv6 targets this sweep, so a list that misbehaves on IPv6 is not trusted on its IPv4 health.
   */
  async function checkHealth(list: ActiveList, asksIpv6: boolean): Promise<Trust> {
    const { definition } = list;
    const ipv6Points = asksIpv6 ? definition.ipv6TestPoints : undefined;
    const [main, ipv6] = await Promise.all([
      pointsCause(list, definition.testPoints, (point) => testLabel(definition, point)),
      ipv6Points === undefined ? null : pointsCause(list, ipv6Points, reverseAddress),
    ]);
    const ipv6Cause = main ?? (ipv6 === null ? null : `for IPv6 addresses: ${ipv6}`);
    const cause = main ?? ipv6Cause;
    return {
      health: { zone: definition.zone, list: definition.name, healthy: cause === null, cause: cause === null ? null : scrub(cause) },
      ipv4Cause: main === null ? null : scrub(main),
      ipv6Cause: ipv6Cause === null ? null : scrub(ipv6Cause),
    };
  }

  function check(task: Task, trust: Trust): CheckResult | Promise<CheckResult> {
    const { list, target, label } = task;
    const { definition } = list;
    const distrust = target.kind === 'ip' && target.family === 6 ? trust.ipv6Cause : trust.ipv4Cause;
    if (distrust !== null) return resultOf(definition, target, { status: 'error', error: `list unhealthy this sweep: ${distrust}` });
    if (label === undefined) {
      return resultOf(definition, target, { status: 'error', error: `${target.value} has no registrable domain to ask ${definition.name} about` });
    }
    return lookup(list, `${label}.${list.queryZone}`, (decoded) => {
      if (decoded === 'clean') return resultOf(definition, target, CLEAN);
      if (decoded.outcome === 'error') return resultOf(definition, target, { status: 'error', codes: decoded.codes, error: scrub(decoded.error) });
      if (decoded.outcome === 'neutral') return resultOf(definition, target, { status: 'clean', codes: decoded.codes, meaning: decoded.meaning });
      return listing(task, decoded);
    });
  }

  /** A listing or allowlist entry, with the list's TXT reason. */
  async function listing({ list, target, label }: Task, decoded: Extract<Decoded, { outcome: 'listed' | 'allowed' }>): Promise<CheckResult> {
    const { definition } = list;
    const reason = await reasonAt(list, label as string);
    if (decoded.outcome === 'allowed') {
      return resultOf(definition, target, { status: 'clean', allowlisted: true, codes: decoded.codes, meaning: decoded.meaning, reason });
    }
    return resultOf(definition, target, { status: 'listed', severity: decoded.severity, codes: decoded.codes, meaning: decoded.meaning, reason });
  }

  const tasks = plan(options.targets, options.lists, options.registrable);
  const used = new Set<ActiveList>();
  const ipv6 = new Set<ActiveList>();
  for (const task of tasks) {
    used.add(task.list);
    if (task.target.kind === 'ip' && task.target.family === 6) ipv6.add(task.list);
  }
  // Only lists that have something to check are asked about their test points.
  const asked = options.lists.filter((list) => used.has(list));
  const trust = await pool(asked, options.concurrency, options.signal, (list) => checkHealth(list, ipv6.has(list)));
  const trustOf = new Map(asked.map((list, i) => [list, trust[i] as Trust]));
  const results = await pool(tasks, options.concurrency, options.signal, (task) => check(task, trustOf.get(task.list) as Trust));
  return { results, health: trust.map((t) => t.health), queries };
}

type TestPoints = ListDefinition['testPoints'];

/** What a sweep may believe from a list: its health, and why (if at all) its IPv4/domain or IPv6 answers are not trusted. */
interface Trust {
  health: ListHealth;
  ipv4Cause: string | null;
  ipv6Cause: string | null;
}

const CLEAN = { status: 'clean' } as const;

const asIs = <T>(value: T): T => value;

/** What an A answer says; decoding that fails is an error outcome like a failed lookup, never a failed sweep. */
function outcomeOf(list: ListDefinition, answer: DnsAnswer<string>): Decoded | 'clean' {
  if (answer.status !== 'ok') return 'clean';
  try {
    return decodeAnswer(list, answer.records);
  } catch (error) {
    return { outcome: 'error', codes: [], error: failure(error) };
  }
}

/** One check to make: a target on a list, with the label it is asked under (undefined: it cannot be asked). */
interface Task {
  list: ActiveList;
  target: Target;
  label: string | undefined;
}

/**
 * Every target on every list that takes it, in target order. Each target's label is worked out once, not
 * once per list: an address reads the same on every IP list, and a domain has at most two forms.
 */
function plan(targets: readonly Target[], lists: readonly ActiveList[], registrable: RegistrableDomain): Task[] {
  const tasks: Task[] = [];
  for (const target of targets) {
    const labels: Partial<Record<'ip' | ListDefinition['domainQuery'], string | null>> = {};
    for (const list of lists) {
      if (!listAccepts(list.definition, target)) continue;
      const form = target.kind === 'ip' ? 'ip' : list.definition.domainQuery;
      let label = labels[form];
      if (label === undefined) label = labels[form] = queryLabel(list.definition, target, registrable) ?? null;
      tasks.push({ list, target, label: label ?? undefined });
    }
  }
  return tasks;
}

function resultOf(list: ListDefinition, target: Target, fields: Partial<CheckResult> & Pick<CheckResult, 'status'>): CheckResult {
  // Spelled out rather than spread: this builds one object per check, thousands per sweep.
  return {
    target: target.value,
    zone: list.zone,
    list: list.name,
    status: fields.status,
    severity: fields.severity ?? null,
    allowlisted: fields.allowlisted ?? false,
    codes: fields.codes ?? [],
    meaning: fields.meaning ?? null,
    reason: fields.reason ?? null,
    delistUrl: list.delistUrl,
    error: fields.error ?? null,
  };
}

function testLabel(list: ListDefinition, point: string): string {
  if (list.targets === 'domain') return point;
  const [target] = parseTarget(point);
  // An IP list's test points are addresses, so the suffix lookup is never consulted.
  return target ? (queryLabel(list, target, () => null) ?? point) : point;
}

/** Why a list cannot be trusted this sweep, from its two test points; null when it passed. */
export function healthCause(
  points: TestPoints,
  positive: Decoded | 'clean' | undefined,
  negative: Decoded | 'clean',
): string | null {
  if (negative !== 'clean') {
    if (negative.outcome === 'error') return `test point ${points.unlisted}: ${negative.error}`;
    return `answers "listed" (${negative.codes.join(', ')}) for test point ${points.unlisted}, which must not be listed: the list is listing everything`;
  }
  if (positive === undefined) return null;
  if (positive === 'clean') return `test point ${points.listed} is not listed: the list looks dead or empty`;
  if (positive.outcome === 'error') return `test point ${points.listed}: ${positive.error}`;
  return null;
}

function failure(error: unknown): string {
  // The query name may carry a DQS key, so the message is built from the kind alone.
  if (error instanceof DnsError) return `no answer: ${describeKind(error.kind)}`;
  return 'lookup failed';
}

/** Hides keys in what a list says back, in any letter case: DNS names are case-insensitive, so an echo may differ. */
function scrubber(secrets: readonly string[]): (text: string) => string {
  const present = secrets.filter((s) => s.length > 0);
  if (present.length === 0) return (text) => text;
  const pattern = new RegExp(present.map((secret) => secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi');
  return (text) => text.replace(pattern, '[key]');
}

/** Runs `work` over `items` with at most `limit` in flight, keeping input order; stops starting new work once aborted. */
export async function pool<I, O>(items: readonly I[], limit: number, signal: AbortSignal | undefined, work: (item: I) => O | Promise<O>): Promise<O[]> {
  const results = new Array<O>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      results[index] = await work(items[index] as I);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return signal?.aborted ? results.filter((r) => r !== undefined) : results;
}
