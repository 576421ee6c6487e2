import ipaddr from 'ipaddr.js';

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
