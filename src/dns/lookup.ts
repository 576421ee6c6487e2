import { DnsError, type DnsAnswer, type DnsErrorKind, type RecordType, type RecordTypes, type Resolver } from './types.js';

/** The outcome of one lookup as the checks see it: records, "none" (nxdomain/nodata) or "unknown". */
export type Lookup<T> =
  | { ok: true; status: 'ok' | 'nxdomain' | 'nodata'; records: T[] }
  | { ok: false; error: string; kind: DnsErrorKind };

/** Runs a query and turns a DnsError into a value, so one failed lookup never aborts an audit. */
export async function lookup<T extends RecordType>(resolver: Resolver, name: string, type: T): Promise<Lookup<RecordTypes[T]>> {
  try {
    const answer: DnsAnswer<RecordTypes[T]> = await resolver.query(name, type);
    return { ok: true, status: answer.status, records: answer.records };
  } catch (error) {
    if (error instanceof DnsError) return { ok: false, error: error.message, kind: error.kind };
    throw error;
  }
}

/** TXT records as strings (character-strings joined, as RFC 7208 §3.3 and RFC 6376 §3.6.2.2 read them). */
export async function lookupTxt(resolver: Resolver, name: string): Promise<Lookup<string>> {
  const result = await lookup(resolver, name, 'TXT');
  return result.ok ? { ...result, records: result.records.map((chunks) => chunks.join('')) } : result;
}

/** Records of a lookup for snapshots: sorted, or null when unknown. */
export function snapshotOf(result: Lookup<string>): string[] | null {
  return result.ok ? [...result.records].sort() : null;
}
