import { DnsError, type RecordType, type Resolver } from '../dns/types.js';

/** The shape mailauth expects: `node:dns`'s `resolve(name, rrtype)` with its error codes. */
export type MailauthResolver = (name: string, rrtype: string) => Promise<unknown[]>;

const SUPPORTED = new Set<string>(['A', 'AAAA', 'TXT', 'MX', 'CNAME', 'NS', 'PTR', 'SOA', 'CAA']);

export function toMailauthResolver(resolver: Resolver): MailauthResolver {
  return async (name, rrtype) => {
    const type = rrtype.toUpperCase();
    if (!SUPPORTED.has(type)) throw Object.assign(new Error(`unsupported record type ${rrtype}`), { code: 'ENOTIMP' });
    try {
      const answer = await resolver.query(name, type as RecordType);
      if (answer.status === 'nxdomain') throw Object.assign(new Error(`${name} not found`), { code: 'ENOTFOUND' });
      if (answer.status === 'nodata') throw Object.assign(new Error(`no ${type} for ${name}`), { code: 'ENODATA' });
      return type === 'SOA' ? (answer.records[0] as unknown as unknown[]) : answer.records;
    } catch (error) {
      if (error instanceof DnsError) throw Object.assign(new Error(error.message), { code: error.code });
      throw error;
    }
  };
}
