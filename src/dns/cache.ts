import type { DnsAnswer, RecordType, RecordTypes, Resolver } from './types.js';

export interface CacheOptions {
  /** Upper bound on how long any answer is kept, and the lifetime of answers whose TTL the transport hides. */
  maxTtlMs: number;
  now?: () => number;
}

interface Entry {
  /** Infinity while the question is in flight, so concurrent askers share it. */
  expires: number;
  answer: Promise<DnsAnswer<unknown>>;
}

/**
 * A cache for one job run: answers live for their TTL (capped), concurrent identical questions share
 * one query, and failures are never cached so a retry asks again.
 */
export function withCache(resolver: Resolver, options: CacheOptions): Resolver {
  const now = options.now ?? Date.now;
  const { maxTtlMs } = options;
  // One table per record type, keyed by the lower-cased name: no key string is built per question,
  // and a blocklist sweep asks thousands of them.
  const tables = new Map<RecordType, Map<string, Entry>>();

  return {
    query<T extends RecordType>(name: string, type: T): Promise<DnsAnswer<RecordTypes[T]>> {
      let table = tables.get(type);
      if (table === undefined) {
        table = new Map();
        tables.set(type, table);
      }
      const key = name.toLowerCase();
      const cached = table.get(key);
      if (cached !== undefined && cached.expires > now()) return cached.answer as Promise<DnsAnswer<RecordTypes[T]>>;
      const answer = resolver.query(name, type);
      const entry: Entry = { expires: Number.POSITIVE_INFINITY, answer };
      const entries = table;
      entries.set(key, entry);
      answer.then(
        (result) => {
          entry.expires = now() + (result.ttl === undefined ? maxTtlMs : Math.min(result.ttl * 1000, maxTtlMs));
        },
        () => {
          if (entries.get(key) === entry) entries.delete(key);
        },
      );
      return answer;
    },
  };
}
