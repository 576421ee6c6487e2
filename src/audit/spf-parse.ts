import ipaddr from 'ipaddr.js';

/** One term of an SPF record, parsed per RFC 7208 §4.6.1 / §12. */
export type SpfTerm =
  | {
      kind: 'mechanism';
      qualifier: '+' | '-' | '~' | '?';
      name: SpfMechanism;
      value: string | undefined;
      /** The domain-spec without its CIDR lengths (a, mx, ptr, include, exists); undefined for the current domain. */
      target: string | undefined;
      text: string;
      /** Set when the term is malformed: receivers return permerror before evaluating anything. */
      error?: string;
    }
  | { kind: 'modifier'; name: string; value: string; text: string; error?: string };

export type SpfMechanism = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';

export interface ParsedSpf {
  terms: SpfTerm[];
  /** Everything wrong with the record; any entry makes a receiver return permerror. */
  errors: string[];
  /** Allowed but worth knowing (an `exp=` or unknown modifier, a redirect next to `all`). */
  notes: string[];
}

/** Mechanisms that make the receiver query DNS and so count toward the limit of 10 (RFC 7208 §4.6.4). */
export const QUERYING_MECHANISMS: ReadonlySet<SpfMechanism> = new Set(['include', 'a', 'mx', 'ptr', 'exists']);

const MECHANISMS: ReadonlySet<string> = new Set(['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists']);
/** RFC 7208 §7.1 macro-expand: a macro (letter, digits, "r", delimiters) or one of the literal escapes. */
const MACRO = /%\{([a-z])\d*r?[.\-+,/_=]*\}|%%|%_|%-/gi;
const DOMAIN_MACRO_LETTERS = 'slodiphv';
/**
 * `c`, `r` and `t` describe the receiver and the time: only the explanation text that exp= points at may use
 * them, never a domain-spec, not even exp='s own (RFC 7208 §7.3).
 */
const EXP_MACRO_LETTERS = `${DOMAIN_MACRO_LETTERS}crt`;
/** A trailing dual-cidr-length: "/N", "//N" or "/N//N". A "/" followed by anything else belongs to the domain. */
const CIDR_SUFFIX = /^(.*?)((?:\/\d+)?(?:\/\/\d+)?)$/s;

export function isSpfRecord(text: string): boolean {
  return /^v=spf1(\s|$)/i.test(text.trim());
}

/** True when a domain-spec needs the message's sender or IP to expand, so an audit cannot follow it. */
export function hasMacro(domainSpec: string): boolean {
  return domainSpec.includes('%');
}

export function parseSpf(record: string): ParsedSpf {
  const errors: string[] = [];
  const notes: string[] = [];
  const terms: SpfTerm[] = [];
  if (/[^\x20-\x7e]/.test(record)) errors.push('the record contains characters outside printable ASCII');
  const [version, ...rest] = record.trim().split(/ +/);
  if (version?.toLowerCase() !== 'v=spf1') errors.push('the record does not start with "v=spf1"');
  const seenModifiers = new Set<string>();
  for (const text of rest) {
    const modifier = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(text);
    if (modifier) {
      const name = (modifier[1] as string).toLowerCase();
      const value = modifier[2] as string;
      let problem: string | undefined;
      if (name === 'redirect' || name === 'exp') {
        if (seenModifiers.has(name)) errors.push(`"${name}=" appears more than once`);
        seenModifiers.add(name);
        problem = domainSpecProblem(value, DOMAIN_MACRO_LETTERS);
      } else {
        notes.push(`unknown modifier "${name}=" is ignored by receivers`);
        // Its value is still a macro-string (RFC 7208 §6): a stray "%" makes the record a permerror.
        problem = macroStringProblem(value, EXP_MACRO_LETTERS);
      }
      if (problem) errors.push(`${text}: ${problem}`);
      terms.push({ kind: 'modifier', name, value, text, ...(problem ? { error: problem } : {}) });
      continue;
    }
    const mechanism = /^([+\-~?]?)([a-z0-9]+)(?:([:/])(.*))?$/i.exec(text);
    const name = mechanism?.[2]?.toLowerCase();
    if (!mechanism || !name || !MECHANISMS.has(name)) {
      errors.push(`unknown mechanism or malformed term "${text}"`);
      continue;
    }
    const separator = mechanism[3];
    const argument = mechanism[4];
    const qualifier = (mechanism[1] || '+') as '+' | '-' | '~' | '?';
    const problem = termProblem(name as SpfMechanism, separator, argument);
    if (problem) errors.push(`${text}: ${problem}`);
    const value = separator === ':' ? argument : separator === '/' ? `/${argument ?? ''}` : undefined;
    const target = separator === ':' && argument !== undefined && name !== 'ip4' && name !== 'ip6' ? (CIDR_SUFFIX.exec(argument)?.[1] ?? argument) : undefined;
    terms.push({ kind: 'mechanism', qualifier, name: name as SpfMechanism, value, target, text, ...(problem ? { error: problem } : {}) });
  }
  const hasAll = terms.some((t) => t.kind === 'mechanism' && t.name === 'all');
  if (hasAll && seenModifiers.has('redirect')) notes.push('"redirect=" is ignored because the record has an "all" mechanism');
  return { terms, errors, notes };
}

function termProblem(name: SpfMechanism, separator: string | undefined, argument: string | undefined): string | undefined {
  switch (name) {
    case 'all':
      return separator === undefined ? undefined : '"all" takes no argument';
    case 'include':
    case 'exists':
      if (separator !== ':' || !argument) return `"${name}" needs a domain ("${name}:example.com")`;
      return domainSpecProblem(argument, DOMAIN_MACRO_LETTERS);
    case 'ip4':
    case 'ip6':
      if (separator !== ':' || !argument) return `"${name}" needs an address`;
      return addressProblem(name, argument);
    case 'a':
    case 'mx':
    case 'ptr': {
      if (separator === undefined) return undefined;
      const text = separator === '/' ? `/${argument ?? ''}` : (argument ?? '');
      const [, domain = '', cidr = ''] = CIDR_SUFFIX.exec(text) ?? [];
      if (separator === '/' && domain) return 'malformed CIDR length';
      if (separator === ':' && !domain) return 'empty domain after ":"';
      if (domain) {
        const problem = domainSpecProblem(domain, DOMAIN_MACRO_LETTERS);
        if (problem) return problem;
      }
      if (name === 'ptr' && cidr) return '"ptr" takes no CIDR length';
      return cidrProblem(cidr);
    }
  }
}

function cidrProblem(cidr: string): string | undefined {
  const match = /^(?:\/(\d+))?(?:\/\/(\d+))?$/.exec(cidr);
  if (!match) return 'malformed CIDR length';
  const [, v4, v6] = match;
  if (v4 !== undefined && (Number(v4) > 32 || /^0\d/.test(v4))) return `IPv4 CIDR length /${v4} is out of range (0-32)`;
  if (v6 !== undefined && (Number(v6) > 128 || /^0\d/.test(v6))) return `IPv6 CIDR length //${v6} is out of range (0-128)`;
  return undefined;
}

function addressProblem(name: 'ip4' | 'ip6', argument: string): string | undefined {
  const [address = '', bits, extra] = argument.split('/');
  if (extra !== undefined) return 'malformed CIDR length';
  const family = name === 'ip4' ? 'ipv4' : 'ipv6';
  const valid = family === 'ipv4' ? ipaddr.IPv4.isValidFourPartDecimal(address) : ipaddr.IPv6.isValid(address);
  if (!valid) return `"${address}" is not a valid ${name === 'ip4' ? 'IPv4' : 'IPv6'} address`;
  if (bits === undefined) return undefined;
  const max = family === 'ipv4' ? 32 : 128;
  if (!/^\d+$/.test(bits) || Number(bits) > max || /^0\d/.test(bits)) return `CIDR length /${bits} is out of range (0-${max})`;
  return undefined;
}

/** RFC 7208 §7.1 macro-string: visible characters, with "%" only in a macro-expand of an allowed letter. */
function macroStringProblem(spec: string, letters: string): string | undefined {
  if (/[^\x21-\x7e]/.test(spec)) return `invalid characters in "${spec}"`;
  if (spec.replace(MACRO, '').includes('%')) return `invalid macro in "${spec}"`;
  for (const match of spec.matchAll(MACRO)) {
    const letter = match[1]?.toLowerCase();
    if (letter !== undefined && !letters.includes(letter)) {
      return EXP_MACRO_LETTERS.includes(letter) ? `the macro "${match[0]}" is only allowed in the explanation text an exp= record holds (RFC 7208 §7.3)` : `unknown macro letter in "${match[0]}"`;
    }
  }
  return undefined;
}

/** RFC 7208 §7.1 domain-spec: a macro-string ending in a real top label unless it ends in a macro. */
function domainSpecProblem(spec: string, letters: string): string | undefined {
  const problem = macroStringProblem(spec, letters);
  if (problem) return problem;
  if (hasMacro(spec)) return undefined;
  const name = spec.replace(/\.$/, '');
  if (name.length > 253 || name.split('.').some((label) => label.length === 0 || label.length > 63)) return `"${spec}" is not a valid domain name`;
  const top = name.split('.').pop() ?? '';
  if (!name.includes('.') || !/^(?=.*[a-z])[a-z0-9-]+$/i.test(top) || top.startsWith('-') || top.endsWith('-')) {
    return `"${spec}" is not a fully qualified domain name`;
  }
  return undefined;
}
