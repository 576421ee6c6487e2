import type { DnsAnswer, RecordType, RecordTypes, Resolver } from './types.js';

export interface CacheOptions {
  /** Upper bound on how long any answer is kept, and the lifetime of answers whose TTL the transport hides. */
  maxTtlMs: number;
  now?: () => number;
}

/**
 * A cache for one job run: answers live for their TTL (capped), concurrent identical questions share
 * one query, and failures are never cached so a retry asks again.
 */
export function withCache(resolver: Resolver, options: CacheOptions): Resolver {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { expires: number; answer: Promise<DnsAnswer<unknown>> }>();

  return {
    query<T extends RecordType>(name: string, type: T): Promise<DnsAnswer<RecordTypes[T]>> {
      const key = `${type} ${name.toLowerCase()}`;
      const cached = entries.get(key);
      if (cached && cached.expires > now()) return cached.answer as Promise<DnsAnswer<RecordTypes[T]>>;
      const answer = resolver.query(name, type);
      const entry = { expires: Number.POSITIVE_INFINITY, answer: answer as Promise<DnsAnswer<unknown>> };
      entries.set(key, entry);
      answer.then(
        (result) => {
          const ttlMs = result.ttl === undefined ? options.maxTtlMs : Math.min(result.ttl * 1000, options.maxTtlMs);
          entry.expires = now() + ttlMs;
        },
        () => {
          if (entries.get(key) === entry) entries.delete(key);
        },
      );
      return answer;
    },
  };
}
