import { Resolver as AresResolver } from 'node:dns/promises';
import { DnsError, type DnsAnswer, type DnsErrorKind, type RecordType, type RecordTypes, type Resolver } from '../dns/types.js';

export interface AresResolverOptions {
  /** `host` or `host:port` (IPv6 as `[addr]:port`); empty means the system's resolvers. */
  servers: string[];
  timeoutMs: number;
  tries: number;
}

/** c-ares through `node:dns`, never the OS `getaddrinfo`, so the configured servers are always the ones asked. */
export function createAresResolver(options: AresResolverOptions): Resolver {
  const ares = new AresResolver({ timeout: options.timeoutMs, tries: options.tries });
  if (options.servers.length > 0) ares.setServers(options.servers);

  return {
    query<T extends RecordType>(name: string, type: T): Promise<DnsAnswer<RecordTypes[T]>> {
      // One promise layer between c-ares and the caller, and no async function: a blocklist sweep asks
      // thousands of questions, most of them answered NXDOMAIN, which node:dns reports by rejecting.
      let raw: Promise<unknown>;
      try {
        raw = ask(ares, name, type);
      } catch (error) {
        raw = Promise.reject(error);
      }
      return raw.then(
        (found) => {
          try {
            return answerOf(name, type, found) as DnsAnswer<RecordTypes[T]>;
          } catch (error) {
            // A result node:dns shaped unexpectedly is a failed lookup, as it always was.
            return failureOf(name, type, error) as DnsAnswer<RecordTypes[T]>;
          }
        },
        (error: unknown) => failureOf(name, type, error) as DnsAnswer<RecordTypes[T]>,
      );
    },
  };
}

const WITH_TTL = { ttl: true } as const;

/** The c-ares call for a record type, its result still in node:dns's shape. */
function ask(ares: AresResolver, name: string, type: RecordType): Promise<unknown> {
  switch (type) {
    case 'A':
      return ares.resolve4(name, WITH_TTL);
    case 'AAAA':
      return ares.resolve6(name, WITH_TTL);
    case 'TXT':
      return ares.resolveTxt(name);
    case 'MX':
      return ares.resolveMx(name);
    case 'CNAME':
      return ares.resolveCname(name);
    case 'NS':
      return ares.resolveNs(name);
    case 'PTR':
      return ares.resolvePtr(name);
    case 'SOA':
      return ares.resolveSoa(name);
    case 'CAA':
      return ares.resolveCaa(name);
    default:
      throw new DnsError('badname', name, type, 'EUNSUPPORTED');
  }
}

function answerOf(name: string, type: RecordType, found: unknown): DnsAnswer<unknown> {
  let records: unknown[];
  let ttl: number | undefined;
  switch (type) {
    case 'A':
    case 'AAAA': {
      const addresses = found as Array<{ address: string; ttl: number }>;
      records = new Array<string>(addresses.length);
      for (let i = 0; i < addresses.length; i++) {
        const address = addresses[i] as { address: string; ttl: number };
        records[i] = address.address;
        if (ttl === undefined || address.ttl < ttl) ttl = address.ttl;
      }
      break;
    }
    case 'MX':
      // Node 24 adds a `type` field; keep the record shape the same on every Node version.
      records = (found as RecordTypes['MX'][]).map(({ exchange, priority }) => ({ exchange, priority }));
      break;
    case 'SOA':
      records = [found];
      break;
    case 'CAA':
      records = (found as Array<object & { critical: number }>).map((c) => toCaa(c));
      break;
    default:
      records = found as unknown[];
  }
  return { name, type, status: records.length > 0 ? 'ok' : 'nodata', records, ttl };
}

/** NXDOMAIN and NODATA are answers; anything else means we could not find out. */
function failureOf(name: string, type: RecordType, error: unknown): DnsAnswer<unknown> {
  const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
  if (code === 'ENOTFOUND') return { name, type, status: 'nxdomain', records: [], ttl: undefined };
  if (code === 'ENODATA') return { name, type, status: 'nodata', records: [], ttl: undefined };
  if (error instanceof DnsError) throw error;
  throw new DnsError(kindOf(code), name, type, code);
}

function toCaa(record: object & { critical: number }): RecordTypes['CAA'] {
  const [tag, value] = Object.entries(record).find(([key]) => key !== 'critical') ?? ['unknown', ''];
  return { critical: record.critical, tag, value: String(value) };
}

function kindOf(code: string): DnsErrorKind {
  switch (code) {
    case 'ETIMEOUT':
      return 'timeout';
    case 'ESERVFAIL':
      return 'servfail';
    case 'EREFUSED':
      return 'refused';
    case 'EFORMERR':
    case 'EBADRESP':
      return 'formerr';
    case 'ECONNREFUSED':
      return 'connection';
    case 'EBADNAME':
      return 'badname';
    default:
      return 'other';
  }
}
