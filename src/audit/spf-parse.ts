import ipaddr from 'ipaddr.js';

/** One term of an SPF record, parsed per RFC 7208 §4.6.1 / §12. */
export type SpfTerm =
  | { kind: 'mechanism'; qualifier: '+' | '-' | '~' | '?'; name: SpfMechanism; value: string | undefined; text: string }
  | { kind: 'modifier'; name: string; value: string; text: string };

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
const MACRO = /%\{[slodiphcrtv]\d*r?[.\-+,/_=]*\}|%%|%_|%-/gi;

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
      terms.push({ kind: 'modifier', name, value, text });
      if (name === 'redirect' || name === 'exp') {
        if (seenModifiers.has(name)) errors.push(`"${name}=" appears more than once`);
        seenModifiers.add(name);
        const problem = domainSpecProblem(value);
        if (problem) errors.push(`${text}: ${problem}`);
      } else {
        notes.push(`unknown modifier "${name}=" is ignored by receivers`);
      }
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
    terms.push({ kind: 'mechanism', qualifier, name: name as SpfMechanism, value, text });
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
      return domainSpecProblem(argument);
    case 'ip4':
    case 'ip6':
      if (separator !== ':' || !argument) return `"${name}" needs an address`;
      return addressProblem(name, argument);
    case 'a':
    case 'mx':
    case 'ptr': {
      if (separator === undefined) return undefined;
      const text = separator === '/' ? `/${argument ?? ''}` : (argument ?? '');
      const match = /^([^/]*)((?:\/\d+)?(?:\/\/\d+)?)$/.exec(text);
      if (!match) return 'malformed CIDR length';
      const [, domain = '', cidr = ''] = match;
      if (separator === ':' && !domain) return 'empty domain after ":"';
      if (domain) {
        const problem = domainSpecProblem(domain);
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

/** RFC 7208 §7.1 domain-spec: a macro-string ending in a real top label unless it ends in a macro. */
function domainSpecProblem(spec: string): string | undefined {
  const withoutMacros = spec.replace(MACRO, '');
  if (withoutMacros.includes('%')) return `invalid macro in "${spec}"`;
  if (/[^\x21-\x7e]/.test(spec)) return `invalid characters in "${spec}"`;
  if (hasMacro(spec)) return undefined;
  const name = spec.replace(/\.$/, '');
  if (name.length > 253 || name.split('.').some((label) => label.length === 0 || label.length > 63)) return `"${spec}" is not a valid domain name`;
  const top = name.split('.').pop() ?? '';
  if (!name.includes('.') || !/^(?=.*[a-z])[a-z0-9-]+$/i.test(top) || top.startsWith('-') || top.endsWith('-')) {
    return `"${spec}" is not a fully qualified domain name`;
  }
  return undefined;
}
