import { describe, expect, it } from 'vitest';
import { checkBlocklists } from '../../src/blocklists/check.js';
import type { CheckResult } from '../../src/blocklists/types.js';
import { parseConfigText } from '../../src/config/parse.js';
import { resolverForRun } from '../../src/node/run-resolver.js';
import { world } from '../world/context.js';

// The test world's NSD serves local copies of the list zones (test/world/zones/*.zone), so these checks
// ask a real DNS server for real list names and nothing leaves the machine.

const DQS_KEY = 'inboxwatchtestdqskey000000';

function check(targets: string[], options: { zones?: string[]; yaml?: string; server?: string; timeoutMs?: number } = {}) {
  const config = parseConfigText(options.yaml ?? '', 'inboxwatch.yaml', {});
  const resolver = resolverForRun({ servers: [options.server ?? world().dns.server], timeoutMs: options.timeoutMs ?? 1000, tries: 1, cacheMaxTtl: 60_000 });
  return checkBlocklists({ config: config.blocklists, resolver, targets, zones: options.zones });
}

const on = (results: CheckResult[], target: string, zone: string): CheckResult => {
  const found = results.find((r) => r.target === target && r.zone === zone);
  if (!found) throw new Error(`no result for ${target} on ${zone}; have ${results.map((r) => `${r.target}@${r.zone}`).join(', ')}`);
  return found;
};

describe('blocklist checks against list zones on a real DNS server', () => {
  it('decodes each Spamhaus ZEN return code, with the TXT reason and the delisting page', async () => {
    const targets = ['192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.9', '192.0.2.30', '192.0.2.77', '192.0.2.5'];
    const { results, health } = await check(targets, { zones: ['zen.spamhaus.org'] });
    expect(health).toEqual([{ zone: 'zen.spamhaus.org', list: 'Spamhaus ZEN', healthy: true, cause: null }]);
    expect(on(results, '192.0.2.2', 'zen.spamhaus.org')).toEqual({
      target: '192.0.2.2',
      zone: 'zen.spamhaus.org',
      list: 'Spamhaus ZEN',
      status: 'listed',
      severity: 'high',
      allowlisted: false,
      codes: ['127.0.0.2'],
      meaning: 'SBL: Spamhaus Blocklist (spam source or spam operation)',
      reason: 'Listed by SBL, see https://check.spamhaus.org/sbl/query/SBLTEST',
      delistUrl: 'https://check.spamhaus.org/',
      error: null,
    });
    expect(on(results, '192.0.2.3', 'zen.spamhaus.org')).toMatchObject({ status: 'listed', codes: ['127.0.0.3'], meaning: expect.stringMatching(/^SBL CSS/) });
    expect(on(results, '192.0.2.4', 'zen.spamhaus.org')).toMatchObject({ status: 'listed', codes: ['127.0.0.4'], meaning: expect.stringMatching(/^XBL/) });
    expect(on(results, '192.0.2.9', 'zen.spamhaus.org')).toMatchObject({ codes: ['127.0.0.2', '127.0.0.9'], meaning: expect.stringContaining('DROP') });
    expect(on(results, '192.0.2.30', 'zen.spamhaus.org')).toMatchObject({ meaning: expect.stringContaining('botnet controller') });
    expect(on(results, '192.0.2.77', 'zen.spamhaus.org')).toMatchObject({ status: 'listed', meaning: 'undocumented return code 127.0.0.77' });
    expect(on(results, '192.0.2.5', 'zen.spamhaus.org')).toMatchObject({ status: 'clean', codes: [], error: null });
  });

  it('shows a PBL-only listing as a policy listing, and PBL with SBL as a reputation listing', async () => {
    const { results } = await check(['192.0.2.10', '192.0.2.11', '192.0.2.12'], { zones: ['zen.spamhaus.org'] });
    expect(on(results, '192.0.2.10', 'zen.spamhaus.org')).toMatchObject({ status: 'listed', severity: 'info', meaning: expect.stringMatching(/^PBL.*ISP/) });
    expect(on(results, '192.0.2.11', 'zen.spamhaus.org')).toMatchObject({ status: 'listed', severity: 'info', meaning: expect.stringMatching(/^PBL.*Spamhaus/) });
    expect(on(results, '192.0.2.12', 'zen.spamhaus.org')).toMatchObject({ status: 'listed', severity: 'high', codes: ['127.0.0.2', '127.0.0.11'] });
  });

  it('reports list refusal codes and answers outside 127/8 as errors, never as listed', async () => {
    const { results } = await check(['192.0.2.254', '192.0.2.255', '192.0.2.252', '192.0.2.99'], { zones: ['zen.spamhaus.org'] });
    expect(on(results, '192.0.2.254', 'zen.spamhaus.org')).toMatchObject({
      status: 'error',
      severity: null,
      codes: ['127.255.255.254'],
      error: expect.stringContaining('query through a public/open resolver'),
    });
    expect(on(results, '192.0.2.255', 'zen.spamhaus.org')).toMatchObject({ status: 'error', error: expect.stringContaining('excessive number of queries') });
    expect(on(results, '192.0.2.252', 'zen.spamhaus.org')).toMatchObject({ status: 'error', error: expect.stringContaining('typing error') });
    expect(on(results, '192.0.2.99', 'zen.spamhaus.org')).toMatchObject({ status: 'error', codes: ['10.0.0.1'], error: expect.stringContaining('outside 127.0.0.0/8') });
  });

  it('asks IPv6 lists with nibble-reversed names and leaves IPv4-only lists out', async () => {
    const { results } = await check(['2001:db8::2', '2001:db8::1']);
    expect(on(results, '2001:db8::2', 'zen.spamhaus.org')).toMatchObject({ status: 'listed', codes: ['127.0.0.2'], reason: expect.stringContaining('SBLTEST6') });
    expect(on(results, '2001:db8::1', 'zen.spamhaus.org')).toMatchObject({ status: 'clean' });
    expect(on(results, '2001:db8::2', 'list.dnswl.org')).toMatchObject({ status: 'clean', allowlisted: false });
    expect(new Set(results.map((r) => r.zone))).toEqual(new Set(['zen.spamhaus.org', 'list.dnswl.org']));
  });

  it('checks domains on domain lists only: DBL by hostname, URIBL and SURBL by registrable domain', async () => {
    const { results, health } = await check(['mail.spam-example.co.uk', 'shop.abused.example', 'abused.example', 'bulk.example']);
    expect(health.every((h) => h.healthy)).toBe(true);
    expect(new Set(results.map((r) => r.zone))).toEqual(new Set(['dbl.spamhaus.org', 'multi.uribl.com', 'multi.surbl.org']));
    expect(on(results, 'mail.spam-example.co.uk', 'dbl.spamhaus.org')).toMatchObject({ status: 'listed', codes: ['127.0.1.2'], meaning: 'spam domain' });
    expect(on(results, 'mail.spam-example.co.uk', 'multi.uribl.com')).toMatchObject({
      status: 'listed',
      meaning: 'black: domain used by spammers',
      reason: expect.stringContaining('domain=spam-example.co.uk'),
    });
    expect(on(results, 'mail.spam-example.co.uk', 'multi.surbl.org')).toMatchObject({ status: 'listed', codes: ['127.0.0.64'], meaning: 'ABUSE: spam and abuse' });
    expect(on(results, 'shop.abused.example', 'dbl.spamhaus.org')).toMatchObject({ status: 'listed', meaning: 'abused legitimate domain (spam)' });
    expect(on(results, 'abused.example', 'dbl.spamhaus.org')).toMatchObject({ status: 'clean' });
    expect(on(results, 'bulk.example', 'multi.uribl.com')).toMatchObject({ status: 'listed', severity: 'info', meaning: expect.stringContaining('grey') });
  });

  it('shows an allowlist entry as a positive signal, never as listed', async () => {
    const { results } = await check(['192.0.2.20'], { zones: ['list.dnswl.org'] });
    expect(on(results, '192.0.2.20', 'list.dnswl.org')).toMatchObject({ status: 'clean', allowlisted: true, codes: ['127.0.3.3'], meaning: 'allowlisted (trust: high)' });
  });

  it('expands a CIDR range and checks every address on every IPv4 list', async () => {
    const { results, health } = await check(['198.51.100.0/30']);
    expect(health.every((h) => h.healthy)).toBe(true);
    expect(new Set(results.map((r) => r.target))).toEqual(new Set(['198.51.100.0', '198.51.100.1', '198.51.100.2', '198.51.100.3']));
    const listed = results.filter((r) => r.status === 'listed').map((r) => `${r.target} ${r.zone}`);
    expect(listed.sort()).toEqual(['198.51.100.1 b.barracudacentral.org', '198.51.100.2 bl.spamcop.net', '198.51.100.3 zen.spamhaus.org']);
    expect(results.filter((r) => r.target === '198.51.100.0').every((r) => r.status === 'clean')).toBe(true);
  });

  it('distrusts a list that lists the world, one that refuses us and one that is dead, and trusts a good one', async () => {
    const yaml = `
blocklists:
  custom:
    - { zone: everything.bl.test, type: ipv4, codes: { 127.0.0.2: listed } }
    - { zone: refusing.bl.test, type: ipv4, codes: { 127.0.0.2: listed, 127.0.0.255: { meaning: query refused, effect: error } } }
    - { zone: dead.bl.test, type: ipv4 }
    - { zone: good.bl.test, type: ipv4, codes: { 127.0.0.2: listed on the good test list } }
`;
    const zones = ['everything.bl.test', 'refusing.bl.test', 'dead.bl.test', 'good.bl.test'];
    const { results, health } = await check(['192.0.2.2', '192.0.2.6'], { zones, yaml });
    const cause = (zone: string) => health.find((h) => h.zone === zone)?.cause;
    expect(cause('everything.bl.test')).toMatch(/answers "listed" \(127\.0\.0\.2\) for test point 127\.0\.0\.1.*listing everything/);
    expect(cause('refusing.bl.test')).toMatch(/query refused/);
    expect(cause('dead.bl.test')).toMatch(/test point 127\.0\.0\.2 is not listed: the list looks dead/);
    expect(cause('good.bl.test')).toBeNull();
    for (const zone of ['everything.bl.test', 'refusing.bl.test', 'dead.bl.test']) {
      expect(on(results, '192.0.2.2', zone)).toMatchObject({ status: 'error', error: expect.stringContaining('list unhealthy this sweep') });
    }
    expect(on(results, '192.0.2.2', 'good.bl.test')).toMatchObject({ status: 'listed', meaning: 'listed on the good test list' });
    expect(on(results, '192.0.2.6', 'good.bl.test')).toMatchObject({ status: 'clean' });
  });

  it('asks the RFC 5782 IPv6 test points of lists with IPv6 targets and distrusts only their IPv6 answers when those fail', async () => {
    const yaml = `
blocklists:
  custom:
    - { zone: v4only.bl.test, type: ip }
    - { zone: v6all.bl.test, type: ip }
    - { zone: good.bl.test, type: ipv4 }
`;
    const zones = ['v4only.bl.test', 'v6all.bl.test', 'zen.spamhaus.org', 'list.dnswl.org', 'good.bl.test'];
    const { results, health } = await check(['192.0.2.2', '2001:db8::2'], { zones, yaml });
    const cause = (zone: string) => health.find((h) => h.zone === zone)?.cause;
    expect(cause('v4only.bl.test')).toMatch(/^for IPv6 addresses: test point ::FFFF:7F00:2 is not listed/);
    expect(cause('v6all.bl.test')).toMatch(/^for IPv6 addresses: answers "listed" \(127\.0\.0\.2\) for test point ::FFFF:7F00:1/);
    expect(cause('zen.spamhaus.org')).toBeNull();
    expect(cause('list.dnswl.org')).toBeNull();
    for (const zone of ['v4only.bl.test', 'v6all.bl.test']) {
      // The IPv6 answer is not believed, though the zone does list 2001:db8::2; the IPv4 one still is.
      expect(on(results, '2001:db8::2', zone)).toMatchObject({ status: 'error', error: expect.stringContaining('for IPv6 addresses') });
      expect(on(results, '192.0.2.2', zone)).toMatchObject({ status: 'listed' });
    }
    expect(on(results, '2001:db8::2', 'zen.spamhaus.org')).toMatchObject({ status: 'listed' });
    expect(results.some((r) => r.zone === 'good.bl.test' && r.target === '2001:db8::2')).toBe(false);
  });

  it('does not ask IPv6 test points when a sweep has no IPv6 targets', async () => {
    const yaml = 'blocklists:\n  custom: [{ zone: v4only.bl.test, type: ip }]\n';
    const { results, health } = await check(['192.0.2.2'], { zones: ['v4only.bl.test'], yaml });
    expect(health[0]).toMatchObject({ healthy: true, cause: null });
    expect(results[0]).toMatchObject({ status: 'listed' });
  });

  it('decodes Mailspike: the blocklist codes, and every reputation level as listed, neutral or a positive signal', async () => {
    const targets = Array.from({ length: 11 }, (_, i) => `203.0.113.${i + 10}`);
    const { results, health } = await check(['203.0.113.2', '203.0.113.77', '203.0.113.5', ...targets], { zones: ['bl.mailspike.net', 'rep.mailspike.net'] });
    expect(health.map((h) => [h.zone, h.healthy])).toEqual([
      ['bl.mailspike.net', true],
      ['rep.mailspike.net', true],
    ]);
    expect(on(results, '203.0.113.2', 'bl.mailspike.net')).toMatchObject({
      status: 'listed',
      severity: 'high',
      meaning: expect.stringContaining('distributed spam wave'),
      reason: 'Listed in Mailspike Z',
      delistUrl: 'https://mailspike.io/ip_verify',
    });
    expect(on(results, '203.0.113.10', 'bl.mailspike.net')).toMatchObject({ status: 'listed', meaning: 'Mailspike L5: worst possible reputation' });
    expect(on(results, '203.0.113.12', 'bl.mailspike.net')).toMatchObject({ status: 'listed', meaning: 'Mailspike L3: bad reputation' });
    expect(on(results, '203.0.113.77', 'bl.mailspike.net')).toMatchObject({ status: 'listed', meaning: 'undocumented return code 127.0.0.77' });
    expect(on(results, '203.0.113.5', 'bl.mailspike.net')).toMatchObject({ status: 'clean', codes: [] });
    const rep = (last: number) => on(results, `203.0.113.${last}`, 'rep.mailspike.net');
    for (const last of [10, 11, 12]) expect(rep(last)).toMatchObject({ status: 'listed', severity: 'high', codes: [`127.0.0.${last}`] });
    for (const last of [13, 14, 15, 16]) expect(rep(last)).toMatchObject({ status: 'clean', allowlisted: false, codes: [`127.0.0.${last}`], meaning: expect.stringMatching(/^Mailspike (L2|L1|H0|H1)/) });
    for (const last of [17, 18, 19, 20]) expect(rep(last)).toMatchObject({ status: 'clean', allowlisted: true, meaning: expect.stringMatching(/^Mailspike H[2-5]/) });
  });

  it('scrubs the DQS key from TXT reasons in any letter case', async () => {
    const { results, health } = await check(['192.0.2.2', '192.0.2.3', '192.0.2.4'], { zones: ['zen.spamhaus.org'], yaml: `blocklists:\n  dqsKey: ${DQS_KEY}\n` });
    expect(on(results, '192.0.2.3', 'zen.spamhaus.org')).toMatchObject({ status: 'listed', reason: 'Listed by SBL (DQS [key])' });
    expect(on(results, '192.0.2.4', 'zen.spamhaus.org')).toMatchObject({ status: 'listed', reason: 'XBL via [key].zen.dq.spamhaus.net' });
    expect(JSON.stringify({ results, health }).toLowerCase()).not.toContain(DQS_KEY);
  });

  it('reports a server that never answers as an error with the cause, never as clean', async () => {
    const started = Date.now();
    const { results, health } = await check(['192.0.2.2', 'example.com'], { zones: ['zen.spamhaus.org', 'dbl.spamhaus.org'], server: world().faultyDns.silent.server, timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(health.map((h) => h.healthy)).toEqual([false, false]);
    expect(health[0]?.cause).toContain('no answer before the timeout');
    expect(results.map((r) => r.status)).toEqual(['error', 'error']);
  });

  it('reports SERVFAIL as an error', async () => {
    const { results } = await check(['192.0.2.2'], { zones: ['zen.spamhaus.org'], server: world().faultyDns.servfail.server, timeoutMs: 300 });
    expect(results[0]).toMatchObject({ status: 'error', error: expect.stringContaining('SERVFAIL') });
  });

  it('with a DQS key, asks the DQS zone and reports the public list name without the key', async () => {
    const { results, health } = await check(['192.0.2.2', '192.0.2.5'], { zones: ['zen.spamhaus.org'], yaml: `blocklists:\n  dqsKey: ${DQS_KEY}\n` });
    expect(health[0]).toMatchObject({ zone: 'zen.spamhaus.org', healthy: true });
    expect(on(results, '192.0.2.2', 'zen.spamhaus.org')).toMatchObject({ status: 'listed', codes: ['127.0.0.2'], reason: expect.stringContaining('[key]') });
    expect(on(results, '192.0.2.5', 'zen.spamhaus.org')).toMatchObject({ status: 'clean' });
    expect(JSON.stringify({ results, health })).not.toContain(DQS_KEY);
    // A key the service does not know answers 127.255.255.250 everywhere: the list is not trusted.
    const wrong = await check(['192.0.2.2'], { zones: ['zen.spamhaus.org'], yaml: 'blocklists:\n  dqsKey: notarealkey0000000000000\n' });
    expect(wrong.health[0]?.cause).toContain('DQS key not valid');
    expect(wrong.results[0]?.status).toBe('error');
  });
});
