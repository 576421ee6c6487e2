import ipaddr from 'ipaddr.js';

/** An address's labels in reverse-lookup order: octets for IPv4, nibbles for IPv6 (RFC 1035, RFC 3596). */
export function reverseAddress(address: string): string {
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) return address.split('.').reverse().map(Number).join('.');
  const parsed = ipaddr.parse(address);
  const nibbles: string[] = [];
  for (const byte of parsed.toByteArray()) nibbles.push((byte >> 4).toString(16), (byte & 0xf).toString(16));
  return nibbles.reverse().join('.');
}

/** The in-addr.arpa / ip6.arpa name of an address, where its PTR record lives. */
export function reverseName(address: string): string {
  return `${reverseAddress(address)}.${ipaddr.IPv4.isValidFourPartDecimal(address) ? 'in-addr.arpa' : 'ip6.arpa'}`;
}
