import type { DnsAnswer, RecordType, RecordTypes, Resolver } from '../dns/types.js';

/**
 * Caps the DNS questions in flight. A burst of hundreds of UDP queries at one server loses packets, and each
 * loss costs a full resolver timeout; a queue costs microseconds.
 */
export function limitInFlight(resolver: Resolver, max: number): Resolver {
  let active = 0;
  const waiting: Array<() => void> = [];
  // A finished query hands its slot straight to the next waiter, so a newcomer cannot slip in between.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return {
    async query<T extends RecordType>(name: string, type: T): Promise<DnsAnswer<RecordTypes[T]>> {
      if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
      else active++;
      try {
        return await resolver.query(name, type);
      } finally {
        release();
      }
    },
  };
}
