import { Resolver as AresResolver } from 'node:dns/promises';
import { DnsError, type DnsAnswer, type DnsErrorKind, type RecordType, type RecordTypes, type Resolver } from './types.js';

export interface NodeResolverOptions {
  /** `host` or `host:port` (IPv6 as `[addr]:port`); empty means the system's resolvers. */
  servers: string[];
  timeoutMs: number;
  tries: number;
}

/** c-ares through `node:dns`, never the OS `getaddrinfo`, so the configured servers are always the ones asked. */
export function createNodeResolver(options: NodeResolverOptions): Resolver {
  const ares = new AresResolver({ timeout: options.timeoutMs, tries: options.tries });
  if (options.servers.length > 0) ares.setServers(options.servers);

  const withTtl = { ttl: true } as const;

  return {
    // One async level between c-ares and the caller: this runs thousands of times per blocklist sweep,
    // so the records are read in place rather than through a helper that would add an await of its own.
    async query<T extends RecordType>(name: string, type: T): Promise<DnsAnswer<RecordTypes[T]>> {
      let records: unknown[];
      let ttl: number | undefined;
      try {
        switch (type as RecordType) {
          case 'A':
          case 'AAAA': {
            const answers = type === 'A' ? await ares.resolve4(name, withTtl) : await ares.resolve6(name, withTtl);
            records = new Array<string>(answers.length);
            for (let i = 0; i < answers.length; i++) {
              const answer = answers[i] as { address: string; ttl: number };
              records[i] = answer.address;
              if (ttl === undefined || answer.ttl < ttl) ttl = answer.ttl;
            }
            break;
          }
          case 'TXT':
            records = await ares.resolveTxt(name);
            break;
          case 'MX':
            // Node 24 adds a `type` field; keep the record shape the same on every Node version.
            records = (await ares.resolveMx(name)).map(({ exchange, priority }) => ({ exchange, priority }));
            break;
          case 'CNAME':
            records = await ares.resolveCname(name);
            break;
          case 'NS':
            records = await ares.resolveNs(name);
            break;
          case 'PTR':
            records = await ares.resolvePtr(name);
            break;
          case 'SOA':
            records = [await ares.resolveSoa(name)];
            break;
          case 'CAA':
            records = (await ares.resolveCaa(name)).map((c) => toCaa(c));
            break;
          default:
            throw new DnsError('badname', name, type, 'EUNSUPPORTED');
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
        if (code === 'ENOTFOUND') return { name, type, status: 'nxdomain', records: [], ttl: undefined };
        if (code === 'ENODATA') return { name, type, status: 'nodata', records: [], ttl: undefined };
        if (error instanceof DnsError) throw error;
        throw new DnsError(kindOf(code), name, type, code);
      }
      return { name, type, status: records.length > 0 ? 'ok' : 'nodata', records: records as RecordTypes[T][], ttl };
    },
  };
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
