import ipaddr from 'ipaddr.js';

export type IpFamily = 4 | 6;

/**
 * The family of an IP address written the one way every tool reads alike: IPv4 as four decimal octets
 * without leading zeros, IPv6 as RFC 4291 text (an embedded IPv4 part held to the same rule, no zone id).
 * 0 for anything else, including the legacy IPv4 forms (`010.0.0.1` octal, `0x7f.1` hex, `1.2.3` short,
 * `3221225985` a bare integer) that inet_aton and ipaddr.js accept but read differently from a person.
 */
export function ipFamily(text: string): IpFamily | 0 {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return 4;
  if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return 0;
  const embedded = text.includes('.') ? text.slice(text.lastIndexOf(':') + 1) : undefined;
  return embedded === undefined || ipaddr.IPv4.isValidFourPartDecimal(embedded) ? 6 : 0;
}

/** A strict address, or a strict address and prefix length (`192.0.2.0/28`, `2001:db8::/124`). */
export function cidrFamily(text: string): IpFamily | 0 {
  const [address = '', bits, extra] = text.split('/');
  const family = ipFamily(address);
  if (family === 0 || extra !== undefined) return 0;
  if (bits === undefined) return family;
  return /^(0|[1-9]\d{0,2})$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128) ? family : 0;
}

/** Whether a text that is not a strict address is one that some parser would still take as an IPv4 address. */
export function isLegacyIpv4(text: string): boolean {
  const address = text.split('/')[0] ?? '';
  if (ipFamily(address) !== 0) return false;
  if (ipaddr.IPv4.isValid(address)) return true;
  // An IPv6 address whose embedded IPv4 part uses a legacy form: ::ffff:010.0.0.1.
  return !address.includes('%') && ipaddr.IPv6.isValid(address);
}

/** What to tell someone who wrote a legacy form; callers put what they wrote in front. */
export const LEGACY_IPV4 =
  'a legacy IPv4 form (octal, hex, fewer than four parts or one integer) that tools read differently; write the address as four decimal numbers without leading zeros, such as 192.0.2.1';
