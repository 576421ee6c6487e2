import { describe, expect, it } from 'vitest';
import { withCache } from '../../../src/dns/cache.js';
import { DnsError, type DnsAnswer, type RecordType, type RecordTypes, type Resolver } from '../../../src/dns/types.js';

function countingResolver(answer: (name: string, type: RecordType) => DnsAnswer<unknown> | DnsError) {
  const calls: string[] = [];
  const resolver: Resolver = {
    async query<T extends RecordType>(name: string, type: T) {
      calls.push(`${type} ${name}`);
      const result = answer(name, type);
      if (result instanceof DnsError) throw result;
      return result as DnsAnswer<RecordTypes[T]>;
    },
  };
  return { resolver, calls };
}

describe('per-run DNS cache', () => {
  it('asks once for concurrent identical questions and keeps the answer for its TTL', async () => {
    let clock = 0;
    const { resolver, calls } = countingResolver((name, type) => ({ name, type, status: 'ok', records: ['192.0.2.1'], ttl: 30 }));
    const cached = withCache(resolver, { maxTtlMs: 300_000, now: () => clock });
    await Promise.all([cached.query('a.example', 'A'), cached.query('A.example', 'A')]);
    expect(calls).toHaveLength(1);
    clock = 29_000;
    await cached.query('a.example', 'A');
    expect(calls).toHaveLength(1);
    clock = 31_000;
    await cached.query('a.example', 'A');
    expect(calls).toHaveLength(2);
  });

  it('caps answers whose TTL the transport hides at the maximum', async () => {
    let clock = 0;
    const { resolver, calls } = countingResolver((name, type) => ({ name, type, status: 'nxdomain', records: [], ttl: undefined }));
    const cached = withCache(resolver, { maxTtlMs: 1_000, now: () => clock });
    await cached.query('gone.example', 'TXT');
    clock = 999;
    await cached.query('gone.example', 'TXT');
    clock = 1_001;
    await cached.query('gone.example', 'TXT');
    expect(calls).toHaveLength(2);
  });

  it('never caches a failure', async () => {
    let fail = true;
    const { resolver, calls } = countingResolver((name, type) =>
      fail ? new DnsError('timeout', name, type, 'ETIMEOUT') : { name, type, status: 'ok', records: [['v=spf1 -all']], ttl: undefined },
    );
    const cached = withCache(resolver, { maxTtlMs: 60_000 });
    await expect(cached.query('x.example', 'TXT')).rejects.toMatchObject({ kind: 'timeout' });
    fail = false;
    await expect(cached.query('x.example', 'TXT')).resolves.toMatchObject({ status: 'ok' });
    expect(calls).toHaveLength(2);
  });
});
