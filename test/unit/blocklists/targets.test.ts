import { getDomain } from 'tldts';
import { describe, expect, it } from 'vitest';
import { findListing } from '../../../src/config/blocklist-catalogue.js';
import { listAccepts, parseTarget, parseTargets, queryLabel, TargetError } from '../../../src/blocklists/targets.js';
import { reverseAddress } from '../../../src/dns/reverse.js';
import type { ListDefinition } from '../../../src/blocklists/types.js';

const list = (zone: string) => findListing(zone) as ListDefinition;

describe('targets and query names', () => {
  it('reverses IPv4 octets and IPv6 nibbles', () => {
    expect(reverseAddress('192.0.2.10')).toBe('10.2.0.192');
    expect(reverseAddress('2001:db8::2')).toBe('2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2');
  });

  it('normalises IPv4-mapped IPv6 to IPv4 and IPv6 to its canonical form', () => {
    expect(parseTarget('::ffff:192.0.2.1')).toEqual([{ kind: 'ip', value: '192.0.2.1', family: 4 }]);
    expect(parseTarget('2001:DB8:0:0::2')).toEqual([{ kind: 'ip', value: '2001:db8::2', family: 6 }]);
  });

  it('expands CIDR ranges, from their network address, and refuses huge ones', () => {
    expect(parseTarget('198.51.100.5/30').map((t) => t.value)).toEqual(['198.51.100.4', '198.51.100.5', '198.51.100.6', '198.51.100.7']);
    expect(parseTarget('192.0.2.255/32').map((t) => t.value)).toEqual(['192.0.2.255']);
    expect(parseTarget('10.0.0.0/23')).toHaveLength(512);
    expect(parseTarget('2001:db8::/126').map((t) => t.value)).toEqual(['2001:db8::', '2001:db8::1', '2001:db8::2', '2001:db8::3']);
    expect(parseTarget('10.0.0.0/20')).toHaveLength(4096);
    expect(() => parseTarget('10.0.0.0/8')).toThrow(/at most 4096/);
    expect(() => parseTarget('2001:db8::/64')).toThrow(TargetError);
  });

  it('takes domains, lower-cased, and rejects what is neither', () => {
    expect(parseTarget('Mail.Example.COM.')).toEqual([{ kind: 'domain', value: 'mail.example.com' }]);
    expect(() => parseTarget('not a target')).toThrow(/expected an IP address, a CIDR range/);
    expect(() => parseTarget('192.0.2.0/33')).toThrow(TargetError);
  });

  it.each(['010.0.0.1', '1.2.3', '3221225985', '0xc0.0.2.1', '0300.0.2.1', '192.0.2.01', '127.1', '192.0.0x2.1', '::ffff:010.0.0.1', '1.2.34'])(
    'refuses the legacy IPv4 form %s instead of checking another address',
    (input) => {
      expect(() => parseTarget(input)).toThrow(TargetError);
      expect(() => parseTarget(input)).toThrow(/legacy IPv4 form.*four decimal numbers/);
      expect(() => parseTarget(`${input}/32`)).toThrow(/legacy IPv4 form/);
    },
  );

  it('refuses zone ids and malformed prefixes but keeps every canonical form', () => {
    expect(() => parseTarget('fe80::1%eth0')).toThrow(TargetError);
    expect(() => parseTarget('192.0.2.0/024')).toThrow(TargetError);
    expect(() => parseTarget('192.0.2.0/')).toThrow(TargetError);
    expect(parseTarget('0.0.0.0')).toEqual([{ kind: 'ip', value: '0.0.0.0', family: 4 }]);
    expect(parseTarget('::ffff:192.0.2.1/128').map((t) => t.value)).toEqual(['192.0.2.1']);
    expect(parseTarget('1.2.3.example')).toEqual([{ kind: 'domain', value: '1.2.3.example' }]);
  });

  it('drops duplicates across overlapping inputs', () => {
    expect(parseTargets(['192.0.2.1', '192.0.2.0/31', '::ffff:192.0.2.1']).map((t) => t.value)).toEqual(['192.0.2.1', '192.0.2.0']);
  });

  it('sends IPs only to IP lists, IPv6 only to lists documented for it, domains only to domain lists', () => {
    const [v4] = parseTarget('192.0.2.1');
    const [v6] = parseTarget('2001:db8::1');
    const [domain] = parseTarget('example.com');
    if (!v4 || !v6 || !domain) throw new Error('parse failed');
    expect(listAccepts(list('zen.spamhaus.org'), v4)).toBe(true);
    expect(listAccepts(list('zen.spamhaus.org'), v6)).toBe(true);
    expect(listAccepts(list('b.barracudacentral.org'), v6)).toBe(false);
    expect(listAccepts(list('dbl.spamhaus.org'), v4)).toBe(false);
    expect(listAccepts(list('zen.spamhaus.org'), domain)).toBe(false);
    expect(listAccepts(list('multi.uribl.com'), domain)).toBe(true);
  });

  it('asks DBL about the full hostname and URI lists about the registrable domain', () => {
    const [host] = parseTarget('news.mail.example.co.uk');
    if (!host) throw new Error('parse failed');
    expect(queryLabel(list('dbl.spamhaus.org'), host, getDomain)).toBe('news.mail.example.co.uk');
    expect(queryLabel(list('multi.uribl.com'), host, getDomain)).toBe('example.co.uk');
    expect(queryLabel(list('multi.surbl.org'), host, getDomain)).toBe('example.co.uk');
    const [suffix] = parseTarget('co.uk');
    if (!suffix) throw new Error('parse failed');
    expect(queryLabel(list('multi.uribl.com'), suffix, getDomain)).toBeUndefined();
  });
});
