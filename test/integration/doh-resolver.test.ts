import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAresResolver } from '../../src/node/ares-resolver.js';
import type { RecordType, Resolver } from '../../src/dns/types.js';
import { createDohResolver } from '../../src/worker/doh-resolver.js';
import { startDoh, type DohServer } from '../world/doh.js';
import { world } from '../world/context.js';

const QUESTIONS: Array<[string, RecordType]> = [
  ['good.inboxwatch.test', 'TXT'],
  ['seeds.inboxwatch.test', 'MX'],
  ['relay-good.inboxwatch.test', 'A'],
  ['spf-long.audit.test', 'TXT'],
  ['s2048._domainkey.good.audit.test', 'TXT'],
  ['_dmarc.dmarc-double.audit.test', 'TXT'],
  ['audit.test', 'SOA'],
  ['audit.test', 'NS'],
  ['2.0.0.127.zen.spamhaus.org', 'A'],
  ['2.0.0.127.zen.spamhaus.org', 'TXT'],
  ['nothing-here.inboxwatch.test', 'TXT'],
  ['relay-good.inboxwatch.test', 'MX'],
];

const sorted = <T>(records: T[]) => records.map((record) => JSON.stringify(record)).sort();

describe('the DNS-over-HTTPS resolver (RFC 8484) against the test world through a loopback endpoint', () => {
  let doh: DohServer;
  let silent: DohServer;
  beforeAll(async () => {
    doh = await startDoh(world().dns.server);
    silent = await startDoh(world().faultyDns.silent.server);
  });
  afterAll(async () => {
    await doh.stop();
    await silent.stop();
  });
  const resolver = (path: string, server = () => doh): Resolver => createDohResolver({ endpoint: `${server().url}${path}`, timeoutMs: 500, tries: 2 });

  it('gives the same answers as the c-ares resolver, status and records alike', async () => {
    const ares = createAresResolver({ servers: [world().dns.server], timeoutMs: 500, tries: 1 });
    const overHttps = resolver('/dns-query');
    for (const [name, type] of QUESTIONS) {
      const [expected, actual] = await Promise.all([ares.query(name, type), overHttps.query(name, type)]);
      expect({ name, type, status: actual.status, records: sorted(actual.records) }).toEqual({ name, type, status: expected.status, records: sorted(expected.records) });
      if (actual.status === 'ok') expect(actual.ttl).toBeGreaterThan(0);
    }
  });

  it('reports the server failures as DnsError, never as an answer', async () => {
    await expect(resolver('/dns-query').query('example.org', 'A')).rejects.toMatchObject({ kind: 'refused' });
    const servfail = await startDoh(world().faultyDns.servfail.server);
    try {
      await expect(createDohResolver({ endpoint: `${servfail.url}/dns-query`, timeoutMs: 500, tries: 1 }).query('good.inboxwatch.test', 'TXT')).rejects.toMatchObject({ kind: 'servfail' });
    } finally {
      await servfail.stop();
    }
  });

  it('reports a silent upstream as a timeout, an HTTP failure, a truncated message or a non-DNS page as errors, an unreachable endpoint as connection', async () => {
    await expect(resolver('/dns-query', () => silent).query('good.inboxwatch.test', 'TXT')).rejects.toMatchObject({ kind: 'timeout' });
    await expect(resolver('/status/503').query('good.inboxwatch.test', 'TXT')).rejects.toMatchObject({ kind: 'servfail', code: 'HTTP_503' });
    await expect(resolver('/status/403').query('good.inboxwatch.test', 'TXT')).rejects.toMatchObject({ kind: 'other', code: 'HTTP_403' });
    await expect(resolver('/udp-only').query('spf-long.audit.test', 'TXT')).rejects.toMatchObject({ kind: 'other', code: 'ETRUNCATED' });
    await expect(resolver('/html').query('good.inboxwatch.test', 'TXT')).rejects.toMatchObject({ kind: 'other', code: 'HTTP_200' });
    const closed = await startDoh(world().dns.server);
    const url = closed.url;
    await closed.stop();
    await expect(createDohResolver({ endpoint: `${url}/dns-query`, timeoutMs: 500, tries: 1 }).query('good.inboxwatch.test', 'TXT')).rejects.toMatchObject({ kind: 'connection' });
  });
});
