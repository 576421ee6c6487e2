import ipaddr from 'ipaddr.js';
import { MAX_RANGE_ADDRESSES } from '../config/schema.js';
import { cidrFamily, ipFamily, isLegacyIpv4, LEGACY_IPV4 } from '../dns/ip.js';
import { reverseAddress } from '../dns/reverse.js';
import type { ListDefinition } from './types.js';

export type Target = { kind: 'ip'; value: string; family: 4 | 6 } | { kind: 'domain'; value: string };

/** A hostname's registrable domain by the Public Suffix List (tldts' getDomain), null for a bare suffix. */
export type RegistrableDomain = (hostname: string) => string | null;


export class TargetError extends Error {
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(`${JSON.stringify(input)}: ${message}`);
    this.name = 'TargetError';
  }
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

/**
 * Parses one target as given on the command line or in the configuration: an IP address, a CIDR range
 * (expanded to its addresses) or a domain name. IPv4-mapped IPv6 addresses become plain IPv4, so
 * `::ffff:192.0.2.1` is checked, and reported, as `192.0.2.1`.
 */
export function parseTarget(input: string): Target[] {
  const text = input.trim();
  if (isLegacyIpv4(text)) throw new TargetError(input, LEGACY_IPV4);
  if (text.includes('/')) return expandRange(text);
  if (ipFamily(text) !== 0) return [ipTarget(ipaddr.parse(text))];
  const name = text.toLowerCase().replace(/\.$/, '');
  if (HOSTNAME.test(name)) return [{ kind: 'domain', value: name }];
  throw new TargetError(input, 'expected an IP address, a CIDR range such as 192.0.2.0/28, or a domain name');
}

/** Parses targets and drops duplicates, keeping the first occurrence's order. */
export function parseTargets(inputs: readonly string[]): Target[] {
  const seen = new Set<string>();
  const targets: Target[] = [];
  for (const input of inputs) {
    for (const target of parseTarget(input)) {
      if (seen.has(target.value)) continue;
      seen.add(target.value);
      targets.push(target);
    }
  }
  return targets;
}

function ipTarget(address: ipaddr.IPv4 | ipaddr.IPv6): Target {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return { kind: 'ip', value: (address as ipaddr.IPv6).toIPv4Address().toString(), family: 4 };
  }
  return address.kind() === 'ipv4' ? { kind: 'ip', value: address.toString(), family: 4 } : { kind: 'ip', value: address.toString(), family: 6 };
}

function expandRange(text: string): Target[] {
  if (cidrFamily(text) === 0) throw new TargetError(text, 'expected a CIDR range such as 192.0.2.0/28 or 2001:db8::/124');
  const [address, bits] = ipaddr.parseCIDR(text);
  const bytes = address.toByteArray();
  const hostBits = bytes.length * 8 - bits;
  if (hostBits > Math.log2(MAX_RANGE_ADDRESSES)) {
    throw new TargetError(text, `range has ${2 ** Math.min(hostBits, 64)} addresses; at most ${MAX_RANGE_ADDRESSES} (a /${32 - Math.log2(MAX_RANGE_ADDRESSES)} or /${128 - Math.log2(MAX_RANGE_ADDRESSES)}) are swept`);
  }
  const count = 2 ** hostBits;
  const base = networkBytes(bytes, bits);
  if (base.length === 4) {
    // Plain integer arithmetic: a /20 is 4,096 addresses and this runs on every sweep.
    const start = (((base[0] ?? 0) << 24) | ((base[1] ?? 0) << 16) | ((base[2] ?? 0) << 8) | (base[3] ?? 0)) >>> 0;
    return Array.from({ length: count }, (_, offset) => {
      const n = start + offset;
      return { kind: 'ip', value: `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`, family: 4 };
    });
  }
  const targets: Target[] = [];
  for (let offset = 0; offset < count; offset++) {
    targets.push(ipTarget(ipaddr.fromByteArray(addOffset(base, offset))));
  }
  return targets;
}

function networkBytes(bytes: number[], prefix: number): number[] {
  return bytes.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
}

function addOffset(bytes: number[], offset: number): number[] {
  const result = [...bytes];
  let carry = offset;
  for (let i = result.length - 1; i >= 0 && carry > 0; i--) {
    const sum = (result[i] ?? 0) + carry;
    result[i] = sum % 256;
    carry = Math.floor(sum / 256);
  }
  return result;
}

/** Whether a list is asked about a target at all: never an IP to a domain list, nor a domain to an IP list. */
export function listAccepts(list: ListDefinition, target: Target): boolean {
  if (target.kind === 'domain') return list.targets === 'domain';
  return list.targets === 'ip' && (target.family === 4 || list.ipv6);
}

/**
 * The name to look up under the list's zone (without the zone): reversed octets for IPv4, reversed
 * nibbles for IPv6, the hostname or its registrable domain for domains. Undefined when the target has no
 * registrable domain (a bare public suffix) and the list needs one.
 */
export function queryLabel(list: ListDefinition, target: Target, registrable: RegistrableDomain): string | undefined {
  if (target.kind === 'domain') {
    if (list.domainQuery === 'hostname') return target.value;
    return registrable(target.value) ?? undefined;
  }
  // parseTarget writes IPv4 targets canonically, so they need no second validation here: this runs for
  // every address of every range swept.
  return target.family === 4 ? target.value.split('.').reverse().join('.') : reverseAddress(target.value);
}
