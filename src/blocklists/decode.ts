import ipaddr from 'ipaddr.js';
import type { CodeEffect, CodeRule, ListDefinition, Severity } from './types.js';

/** What one A answer from a list means, before it is attached to a target. */
export type Decoded =
  | { outcome: 'listed'; codes: string[]; meaning: string; severity: Severity }
  | { outcome: 'allowed'; codes: string[]; meaning: string }
  /** A reputation list's middle levels: an answer that is neither a listing nor an allowlist entry. */
  | { outcome: 'neutral'; codes: string[]; meaning: string }
  | { outcome: 'error'; codes: string[]; error: string };

/**
 * Decodes the addresses a list answered with. An error code anywhere in the answer wins (the list did
 * not answer the question), then any address outside the list's answer range (a resolver that rewrites
 * NXDOMAIN, or a list gone bad), then the documented meanings. An undocumented code inside the range is
 * still a listing, flagged as undocumented, because RFC 5782 makes any A record a listing.
 */
export function decodeAnswer(list: ListDefinition, addresses: readonly string[]): Decoded {
  const codes = [...new Set(addresses)].sort(compareAddresses);
  const range = parseRange(list.answerRange);
  const outside = codes.filter((code) => !inRange(code, range));
  const meanings = codes.filter((code) => !outside.includes(code)).map((code) => ({ code, ...meaningOf(list, code) }));

  const errors = meanings.filter((m) => m.effect === 'error');
  if (errors.length > 0) {
    return { outcome: 'error', codes, error: `${list.name} answered ${errors.map((e) => `${e.code} (${e.meaning})`).join(', ')}` };
  }
  if (outside.length > 0) {
    return {
      outcome: 'error',
      codes,
      error: `answer ${outside.join(', ')} is outside ${list.answerRange}: not a list answer (a resolver rewriting NXDOMAIN, or a broken list)`,
    };
  }
  if (list.kind === 'allow') {
    return { outcome: 'allowed', codes, meaning: joinMeanings(meanings) };
  }
  // A reputation list answers for good senders too: only listing codes make a listing.
  const listings = meanings.filter((m) => m.effect === 'listed' || m.effect === 'policy');
  if (listings.length > 0) {
    const severity: Severity = listings.every((m) => m.effect === 'policy') ? 'info' : 'high';
    return { outcome: 'listed', codes, meaning: joinMeanings(listings), severity };
  }
  if (meanings.some((m) => m.effect === 'allow')) return { outcome: 'allowed', codes, meaning: joinMeanings(meanings) };
  return { outcome: 'neutral', codes, meaning: joinMeanings(meanings) };
}

interface Meaning {
  meaning: string;
  effect: CodeEffect;
}

function meaningOf(list: ListDefinition, code: string): Meaning {
  const undocumented: Meaning = { meaning: `undocumented return code ${code}`, effect: list.kind === 'allow' ? 'allow' : 'listed' };
  if (list.encoding === 'bitmask') {
    const last = lastOctet(code);
    const bits = list.codes.filter((rule): rule is Extract<CodeRule, { bit: number }> => 'bit' in rule && (last & rule.bit) !== 0);
    const known = bits.reduce((mask, rule) => mask | rule.bit, 0);
    const rules = list.codes.filter((rule) => !('bit' in rule) && matches(rule, code));
    const all: Meaning[] = [...rules, ...bits];
    if (last & ~known) all.push({ meaning: `undocumented bits ${last & ~known} in ${code}`, effect: undocumented.effect });
    if (all.length === 0) return undocumented;
    return { meaning: joinMeanings(all), effect: strongest(all.map((m) => m.effect)) };
  }
  return list.codes.find((rule) => matches(rule, code)) ?? undocumented;
}

function matches(rule: CodeRule, code: string): boolean {
  if ('code' in rule) return rule.code === code;
  if ('range' in rule) return inRange(code, parseRange(rule.range));
  if ('last' in rule) return lastOctet(code) === rule.last;
  return false;
}

const STRENGTH: Record<CodeEffect, number> = { error: 4, listed: 3, policy: 2, allow: 1, neutral: 0 };

function strongest(effects: CodeEffect[]): CodeEffect {
  return effects.reduce((a, b) => (STRENGTH[b] > STRENGTH[a] ? b : a));
}

function joinMeanings(meanings: ReadonlyArray<{ meaning: string }>): string {
  return [...new Set(meanings.map((m) => m.meaning))].join('; ');
}

type Range = [ipaddr.IPv4, number];
const ranges = new Map<string, Range>();

function parseRange(cidr: string): Range {
  let range = ranges.get(cidr);
  if (!range) {
    range = ipaddr.IPv4.parseCIDR(cidr);
    ranges.set(cidr, range);
  }
  return range;
}

function inRange(code: string, range: Range): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(code) && ipaddr.IPv4.parse(code).match(range);
}

function lastOctet(code: string): number {
  return Number(code.slice(code.lastIndexOf('.') + 1));
}

function compareAddresses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}
