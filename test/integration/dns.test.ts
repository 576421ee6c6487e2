import { describe, expect, it } from 'vitest';
import { resolverForRun } from '../../src/node/run-resolver.js';
import { createAresResolver } from '../../src/node/ares-resolver.js';
import { DnsError } from '../../src/dns/types.js';
import { world } from '../world/context.js';

const options = (server: string) => ({ servers: [server], timeoutMs: 300, tries: 1 });

describe('the resolver against real DNS servers on loopback', () => {
  it('reads records from the configured server and port, with TTLs where the transport reports them', async () => {
    const resolver = createAresResolver(options(world().dns.server));
    const spf = await resolver.query(`good.${'inboxwatch.test'}`, 'TXT');
    expect(spf).toMatchObject({ status: 'ok', records: [['v=spf1 ip4:127.0.0.2 -all']] });
    const mx = await resolver.query('seeds.inboxwatch.test', 'MX');
    expect(mx.records).toEqual([{ exchange: 'mx.seeds.inboxwatch.test', priority: 10 }]);
    const a = await resolver.query('relay-good.inboxwatch.test', 'A');
    expect(a).toMatchObject({ status: 'ok', records: ['127.0.0.2'], ttl: 300 });
  });

  it('tells a name that does not exist from a type that does not exist', async () => {
    const resolver = createAresResolver(options(world().dns.server));
    expect((await resolver.query('nothing-here.inboxwatch.test', 'TXT')).status).toBe('nxdomain');
    expect((await resolver.query('relay-good.inboxwatch.test', 'MX')).status).toBe('nodata');
  });

  it('reports REFUSED for a zone the server does not serve', async () => {
    const resolver = createAresResolver(options(world().dns.server));
    await expect(resolver.query('example.org', 'A')).rejects.toMatchObject({ kind: 'refused' });
  });

  it('reports a server that never answers as a timeout, never as an absence', async () => {
    const resolver = createAresResolver(options(world().faultyDns.silent.server));
    const error = await resolver.query('good.inboxwatch.test', 'TXT').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsError);
    expect(error).toMatchObject({ kind: 'timeout', code: 'ETIMEOUT' });
    expect((error as Error).message).toContain('no answer before the timeout');
  });

  it('reports SERVFAIL as servfail', async () => {
    const resolver = createAresResolver(options(world().faultyDns.servfail.server));
    await expect(resolver.query('good.inboxwatch.test', 'TXT')).rejects.toMatchObject({ kind: 'servfail' });
  });

  it('shares one query among identical questions within a run', async () => {
    const resolver = resolverForRun({ ...options(world().dns.server), cacheMaxTtl: 60_000 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => resolver.query('good.inboxwatch.test', 'TXT')));
    expect(new Set(answers).size).toBe(1);
  });
});
