import { DnsError, type DnsAnswer, type RecordType, type RecordTypes, type Resolver } from '../../../src/dns/types.js';

type Zone = Record<string, unknown[] | 'timeout' | 'servfail'>;

/**
 * A resolver over a map of "TYPE name" → records, for unit tests only. Names with no entry of any type
 * are NXDOMAIN; a name with another type is NODATA. Counts every query so tests can assert fan-out.
 */
export function fakeResolver(zone: Zone): Resolver & { queries: string[] } {
  const names = new Set(Object.keys(zone).map((key) => key.split(' ')[1]?.toLowerCase()));
  const queries: string[] = [];
  return {
    queries,
    async query<T extends RecordType>(name: string, type: T): Promise<DnsAnswer<RecordTypes[T]>> {
      const key = `${type} ${name.toLowerCase()}`;
      queries.push(key);
      const entry = zone[key];
      if (entry === 'timeout') throw new DnsError('timeout', name, type, 'ETIMEOUT');
      if (entry === 'servfail') throw new DnsError('servfail', name, type, 'ESERVFAIL');
      if (entry) return { name, type, status: entry.length > 0 ? 'ok' : 'nodata', records: entry as RecordTypes[T][], ttl: 60 };
      return { name, type, status: names.has(name.toLowerCase()) ? 'nodata' : 'nxdomain', records: [], ttl: 60 };
    },
  };
}

/** TXT records as the resolver returns them: each a list of character-strings. */
export const txt = (...records: string[]): string[][] => records.map((r) => (r.length > 255 ? (r.match(/.{1,255}/g) as string[]) : [r]));
