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

  async function lookup<T extends RecordType>(name: string, type: T): Promise<{ records: RecordTypes[T][]; ttl?: number }> {
    switch (type) {
      case 'A':
      case 'AAAA': {
        const answers = type === 'A' ? await ares.resolve4(name, { ttl: true }) : await ares.resolve6(name, { ttl: true });
        const ttl = answers.length > 0 ? Math.min(...answers.map((a) => a.ttl)) : undefined;
        return { records: answers.map((a) => a.address) as RecordTypes[T][], ttl };
      }
      case 'TXT':
        return { records: (await ares.resolveTxt(name)) as RecordTypes[T][] };
      case 'MX':
        // Node 24 adds a `type` field; keep the record shape the same on every Node version.
        return { records: (await ares.resolveMx(name)).map(({ exchange, priority }) => ({ exchange, priority })) as RecordTypes[T][] };
      case 'CNAME':
        return { records: (await ares.resolveCname(name)) as RecordTypes[T][] };
      case 'NS':
        return { records: (await ares.resolveNs(name)) as RecordTypes[T][] };
      case 'PTR':
        return { records: (await ares.resolvePtr(name)) as RecordTypes[T][] };
      case 'SOA':
        return { records: [await ares.resolveSoa(name)] as RecordTypes[T][] };
      case 'CAA':
        return { records: (await ares.resolveCaa(name)).map((c) => toCaa(c)) as RecordTypes[T][] };
      default:
        throw new DnsError('badname', name, type, 'EUNSUPPORTED');
    }
  }

  return {
    async query<T extends RecordType>(name: string, type: T): Promise<DnsAnswer<RecordTypes[T]>> {
      try {
        const { records, ttl } = await lookup(name, type);
        return { name, type, status: records.length > 0 ? 'ok' : 'nodata', records, ttl };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'UNKNOWN';
        if (code === 'ENOTFOUND') return { name, type, status: 'nxdomain', records: [], ttl: undefined };
        if (code === 'ENODATA') return { name, type, status: 'nodata', records: [], ttl: undefined };
        if (error instanceof DnsError) throw error;
        throw new DnsError(kindOf(code), name, type, code);
      }
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
