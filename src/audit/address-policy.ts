import ipaddr from 'ipaddr.js';
import type { Resolver } from '../dns/types.js';

/**
 * Why the audit will not connect to an address a domain's DNS hands it, or undefined for a globally routable
 * unicast address. A domain's owner controls its DNS, so without this an audit could be pointed at the
 * monitor's own loopback, the cloud metadata service (169.254.169.254) or the internal network. IPv4-mapped
 * IPv6 addresses (::ffff:127.0.0.1) are judged as the IPv4 address they carry; every other special range
 * (private, link-local, multicast, unspecified, CGNAT, NAT64, 6to4, Teredo, documentation, reserved) is refused.
 */
export function refusedAddressRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'unparseable';
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  return range === 'unicast' ? undefined : (RANGE_NAMES[range] ?? range);
}

const RANGE_NAMES: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  uniqueLocal: 'private (unique local)',
  linkLocal: 'link-local',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  carrierGradeNat: 'shared (carrier-grade NAT)',
  reserved: 'reserved',
};

/**
 * For a runtime whose HTTP client resolves the host itself (Workers' fetch): every A and AAAA address the
 * run's resolver gives for the host, judged before the fetch. The client may still get a different answer,
 * so this is a screen rather than the exact check the Node fetcher makes on the address it connects to.
 * Returns the first refused address with its range, or undefined; a DNS failure is thrown as is.
 */
export async function refusedHostAddress(resolver: Resolver, host: string): Promise<{ address: string; range: string } | undefined> {
  const answers = await Promise.all((['A', 'AAAA'] as const).map((type) => resolver.query(host, type)));
  for (const address of answers.flatMap((a) => a.records)) {
    const range = refusedAddressRange(address);
    if (range) return { address, range };
  }
  return undefined;
}
