import { describe, expect, it } from 'vitest';
import { refusedAddressRange } from '../../../src/audit/address-policy.js';

describe('refusedAddressRange', () => {
  it('refuses loopback, link-local, private, multicast and unspecified addresses in every form', () => {
    const refused: Array<[string, string]> = [
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['::1', 'loopback'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['0.0.0.0', 'unspecified'],
      ['::', 'unspecified'],
      ['::ffff:0.0.0.0', 'unspecified'],
      ['169.254.169.254', 'link-local'],
      ['fe80::1', 'link-local'],
      ['::ffff:169.254.169.254', 'link-local'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['192.168.1.1', 'private'],
      ['::ffff:10.0.0.1', 'private'],
      ['fd00::1', 'private (unique local)'],
      ['224.0.0.1', 'multicast'],
      ['ff02::1', 'multicast'],
      ['255.255.255.255', 'broadcast'],
      ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ];
    for (const [address, range] of refused) expect(refusedAddressRange(address), address).toBe(range);
    // IPv6 forms that embed an IPv4 address some other way are refused as well.
    for (const address of ['64:ff9b::7f00:1', '2002:7f00:1::', '2001:db8::1', 'not an address']) expect(refusedAddressRange(address), address).toBeDefined();
  });

  it('allows global unicast addresses', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8', '2a00:1450:4001::1']) expect(refusedAddressRange(address), address).toBeUndefined();
  });
});
