import { getDomain } from 'tldts';
import { describe, expect, it } from 'vitest';
import { selectLists } from '../../../src/blocklists/lists.js';
import { sweep, type SweepOptions } from '../../../src/blocklists/sweep.js';
import { parseTargets } from '../../../src/blocklists/targets.js';
import { parseConfigText } from '../../../src/config/parse.js';
import { withCache } from '../../../src/dns/cache.js';
import { DnsError, type DnsAnswer, type RecordType, type Resolver } from '../../../src/dns/types.js';

type Reply = { a?: string[]; txt?: string; fail?: DnsError['kind'] };

/** A scripted resolver: names not in the script are NXDOMAIN. Counts every query it receives. */
function scripted(script: Record<string, Reply | Reply[]>) {
  const asked: string[] = [];
  const seen = new Map<string, number>();
  const resolver: Resolver = {
    async query(name, type) {
      asked.push(`${type} ${name}`);
      const entry = script[name];
      const n = seen.get(`${type} ${name}`) ?? 0;
      seen.set(`${type} ${name}`, n + 1);
      const reply = Array.isArray(entry) ? entry[Math.min(n, entry.length - 1)] : entry;
      if (reply?.fail) throw new DnsError(reply.fail, name, type, 'ESCRIPT');
      const answer = (records: unknown[]): DnsAnswer<never> => ({ name, type, status: records.length ? 'ok' : 'nxdomain', records: records as never[], ttl: 300 });
      if (type === 'A') return answer(reply?.a ?? []);
      if (type === 'TXT') return answer(reply?.txt ? [[reply.txt]] : []);
      return answer([]);
    },
  };
  return { resolver, asked };
}

const healthyIp = (zone: string) => ({ [`2.0.0.127.${zone}`]: { a: ['127.0.0.2'] } });
const IPV6_LISTED = '2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0';
const IPV6_UNLISTED = '1.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0';
const V6_TARGET = '2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2';
const healthyIpv6 = (zone: string) => ({ [`${IPV6_LISTED}.${zone}`]: { a: ['127.0.0.2'] } });

function configWith(yaml: string) {
  return parseConfigText(yaml, 'test.yaml', {}).blocklists;
}

function options(resolver: Resolver, zones: string[], targets: string[], extra: Partial<SweepOptions> = {}, yaml = ''): SweepOptions {
  return { resolver, lists: selectLists(configWith(yaml), zones), targets: parseTargets(targets), registrable: getDomain, concurrency: 4, retries: 1, ...extra };
}

describe('a sweep', () => {
  it('decodes a listing with its TXT reason and leaves the rest clean', async () => {
    const { resolver } = scripted({
      ...healthyIp('zen.spamhaus.org'),
      '2.2.0.192.zen.spamhaus.org': { a: ['127.0.0.2'], txt: 'Listed by SBL, see https://check.spamhaus.org/' },
    });
    const { results, health } = await sweep(options(resolver, ['zen.spamhaus.org'], ['192.0.2.2', '192.0.2.3']));
    expect(health).toEqual([{ zone: 'zen.spamhaus.org', list: 'Spamhaus ZEN', healthy: true, cause: null }]);
    expect(results).toMatchObject([
      { target: '192.0.2.2', status: 'listed', codes: ['127.0.0.2'], severity: 'high', reason: 'Listed by SBL, see https://check.spamhaus.org/', delistUrl: 'https://check.spamhaus.org/' },
      { target: '192.0.2.3', status: 'clean', codes: [], reason: null, error: null },
    ]);
  });

  it('distrusts a list that lists its negative test point, and one whose positive test point is missing', async () => {
    const { resolver } = scripted({
      ...healthyIp('bl.spamcop.net'),
      '1.0.0.127.bl.spamcop.net': { a: ['127.0.0.2'] },
      '2.2.0.192.bl.spamcop.net': { a: ['127.0.0.2'] },
    });
    const { results, health } = await sweep(options(resolver, ['bl.spamcop.net', 'psbl.surriel.com'], ['192.0.2.2']));
    expect(health[0]).toMatchObject({ healthy: false, cause: expect.stringContaining('listing everything') });
    expect(health[1]).toMatchObject({ healthy: false, cause: expect.stringContaining('looks dead') });
    expect(results.map((r) => r.status)).toEqual(['error', 'error']);
    expect(results[0]?.error).toContain('list unhealthy this sweep');
  });

  it('distrusts a list that refuses our resolver at its test point', async () => {
    const { resolver } = scripted({ '2.0.0.127.zen.spamhaus.org': { a: ['127.255.255.254'] } });
    const { health } = await sweep(options(resolver, ['zen.spamhaus.org'], ['192.0.2.2']));
    expect(health[0]?.cause).toContain('public/open resolver');
  });

  it('retries a timeout and a SERVFAIL, then reports the cause as an error', async () => {
    const { resolver, asked } = scripted({
      ...healthyIp('zen.spamhaus.org'),
      '2.2.0.192.zen.spamhaus.org': [{ fail: 'servfail' }, { a: ['127.0.0.4'] }],
      '3.2.0.192.zen.spamhaus.org': { fail: 'timeout' },
      '4.2.0.192.zen.spamhaus.org': { fail: 'refused' },
    });
    const { results } = await sweep(options(resolver, ['zen.spamhaus.org'], ['192.0.2.2', '192.0.2.3', '192.0.2.4'], { retries: 1 }));
    expect(results[0]).toMatchObject({ status: 'listed', codes: ['127.0.0.4'] });
    expect(results[1]).toMatchObject({ status: 'error', error: 'no answer: no answer before the timeout' });
    expect(asked.filter((q) => q === 'A 3.2.0.192.zen.spamhaus.org')).toHaveLength(2);
    // REFUSED is an answer about us, not a glitch: asking again would not change it.
    expect(results[2]).toMatchObject({ status: 'error', error: 'no answer: query refused (REFUSED)' });
    expect(asked.filter((q) => q === 'A 4.2.0.192.zen.spamhaus.org')).toHaveLength(1);
  });

  it('asks each name once per sweep through the run cache, however often targets repeat', async () => {
    const { resolver, asked } = scripted(healthyIp('zen.spamhaus.org'));
    await sweep(options(withCache(resolver, { maxTtlMs: 60_000 }), ['zen.spamhaus.org'], ['192.0.2.0/30', '192.0.2.1', '127.0.0.2']));
    expect(asked.filter((q) => q.startsWith('A ')).sort()).toEqual(
      ['A 0.2.0.192.zen.spamhaus.org', 'A 1.0.0.127.zen.spamhaus.org', 'A 1.2.0.192.zen.spamhaus.org', 'A 2.0.0.127.zen.spamhaus.org', 'A 2.2.0.192.zen.spamhaus.org', 'A 3.2.0.192.zen.spamhaus.org'],
    );
  });

  it('asks a URI list once for hostnames that share a registrable domain', async () => {
    const { resolver, asked } = scripted({ 'test.uribl.com.multi.uribl.com': { a: ['127.0.0.14'] } });
    const { results } = await sweep(options(withCache(resolver, { maxTtlMs: 60_000 }), ['multi.uribl.com'], ['mail.example.com', 'example.com', 'www.example.com']));
    expect(results.map((r) => r.status)).toEqual(['clean', 'clean', 'clean']);
    expect(asked.filter((q) => q === 'A example.com.multi.uribl.com')).toHaveLength(1);
  });

  it('never has more queries in flight than its concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const resolver: Resolver = {
      async query<T extends RecordType>(name: string, type: T) {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        const listed = name.startsWith('2.0.0.127.');
        return { name, type, status: listed ? 'ok' : 'nxdomain', records: listed ? ['127.0.0.2'] : [], ttl: 60 } as unknown as DnsAnswer<never>;
      },
    };
    await sweep(options(resolver, ['zen.spamhaus.org', 'bl.spamcop.net'], ['192.0.2.0/26'], { concurrency: 5 }));
    expect(peak).toBeLessThanOrEqual(5 * 2);
    expect(peak).toBeGreaterThan(1);
  });

  it('queries the DQS zone with the key and reports the public zone, never the key', async () => {
    const key = 'abcdefghijklmnopqrstuvwxyz';
    const dq = `${key}.zen.dq.spamhaus.net`;
    const { resolver, asked } = scripted({
      [`2.0.0.127.${dq}`]: { a: ['127.0.0.2'] },
      [`2.2.0.192.${dq}`]: { a: ['127.0.0.2'], txt: `https://check.spamhaus.org/ via ${key}` },
      [`3.2.0.192.${dq}`]: { fail: 'refused' },
    });
    const opts = options(resolver, ['zen.spamhaus.org'], ['192.0.2.2', '192.0.2.3'], { secrets: [key] }, `blocklists:\n  dqsKey: ${key}\n`);
    const { results } = await sweep(opts);
    expect(asked).toContain(`A 2.2.0.192.${dq}`);
    expect(results[0]).toMatchObject({ zone: 'zen.spamhaus.org', status: 'listed' });
    expect(results[1]).toMatchObject({ status: 'error', error: 'no answer: query refused (REFUSED)' });
    expect(JSON.stringify(results)).not.toContain(key);
  });

  it('asks test points only of lists that have targets to check', async () => {
    const { resolver, asked } = scripted(healthyIp('zen.spamhaus.org'));
    const { health } = await sweep(options(resolver, ['zen.spamhaus.org', 'dbl.spamhaus.org'], ['192.0.2.1']));
    expect(health.map((h) => h.zone)).toEqual(['zen.spamhaus.org']);
    expect(asked.filter((q) => q.includes('dbl.spamhaus.org'))).toEqual([]);
  });

  it('does not send IPv6 targets to IPv4-only lists, nor IPs to domain lists', async () => {
    const { resolver, asked } = scripted({
      ...healthyIp('zen.spamhaus.org'),
      ...healthyIpv6('zen.spamhaus.org'),
      ...healthyIp('b.barracudacentral.org'),
      'dbltest.com.dbl.spamhaus.org': { a: ['127.0.1.2'] },
    });
    const { results } = await sweep(options(resolver, ['zen.spamhaus.org', 'b.barracudacentral.org', 'dbl.spamhaus.org'], ['2001:db8::2', 'example.com']));
    expect(results.map((r) => `${r.target} ${r.zone}`)).toEqual(['2001:db8::2 zen.spamhaus.org', 'example.com dbl.spamhaus.org']);
    expect(results[0]).toMatchObject({ status: 'clean' });
    expect(asked).toContain('A 2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org');
    // RFC 5782 §5: the IPv6 pair asked by nibbles, never mapped down to 127.0.0.2.
    expect(asked).toContain(`A ${IPV6_LISTED}.zen.spamhaus.org`);
    expect(asked).toContain(`A ${IPV6_UNLISTED}.zen.spamhaus.org`);
  });

  it.each([
    ['answers nothing for ::FFFF:7F00:2', {}, /for IPv6 addresses: test point ::FFFF:7F00:2 is not listed/],
    ['lists ::FFFF:7F00:1', { [`${IPV6_LISTED}.zen.spamhaus.org`]: { a: ['127.0.0.2'] }, [`${IPV6_UNLISTED}.zen.spamhaus.org`]: { a: ['127.0.0.2'] } }, /for IPv6 addresses: answers "listed"/],
    ['times out on the IPv6 pair', { [`${IPV6_LISTED}.zen.spamhaus.org`]: { fail: 'timeout' as const } }, /for IPv6 addresses: test point ::FFFF:7F00:2: no answer/],
  ])('distrusts IPv6 answers of a list that %s, and keeps its IPv4 ones', async (_what, ipv6: Record<string, Reply>, cause) => {
    const { resolver } = scripted({ ...healthyIp('zen.spamhaus.org'), ...ipv6, '2.2.0.192.zen.spamhaus.org': { a: ['127.0.0.2'] }, [`${V6_TARGET}.zen.spamhaus.org`]: { a: ['127.0.0.2'] } });
    const { results, health } = await sweep(options(resolver, ['zen.spamhaus.org'], ['192.0.2.2', '2001:db8::2'], { retries: 0 }));
    expect(health[0]).toMatchObject({ healthy: false, cause: expect.stringMatching(cause) });
    expect(results[0]).toMatchObject({ target: '192.0.2.2', status: 'listed' });
    expect(results[1]).toMatchObject({ target: '2001:db8::2', status: 'error', error: expect.stringMatching(cause) });
  });

  it.each(['ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'AbCdEfGhIjKlMnOpQrStUvWxYz', 'abcdefghijklmnopqrstuvwxyz'])('scrubs a key echoed as %s', async (echo) => {
    const key = 'abcdefghijklmnopqrstuvwxyz';
    const dq = `${key}.zen.dq.spamhaus.net`;
    const { resolver } = scripted({ [`2.0.0.127.${dq}`]: { a: ['127.0.0.2'] }, [`2.2.0.192.${dq}`]: { a: ['127.0.0.2'], txt: `listed, asked as 2.2.0.192.${echo}.zen.dq.spamhaus.net (${echo})` } });
    const { results } = await sweep(options(resolver, ['zen.spamhaus.org'], ['192.0.2.2'], { secrets: [key] }, `blocklists:\n  dqsKey: ${key}\n`));
    expect(results[0]?.reason).toBe('listed, asked as 2.2.0.192.[key].zen.dq.spamhaus.net ([key])');
  });
});
