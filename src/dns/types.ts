/** The DNS interface every check uses; one implementation per runtime. */

export interface MxRecord {
  exchange: string;
  priority: number;
}

export interface SoaRecord {
  nsname: string;
  hostmaster: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minttl: number;
}

export interface CaaRecord {
  critical: number;
  tag: string;
  value: string;
}

export interface RecordTypes {
  A: string;
  AAAA: string;
  /** A TXT record as its character-strings; join them to read the record. */
  TXT: string[];
  MX: MxRecord;
  CNAME: string;
  NS: string;
  PTR: string;
  SOA: SoaRecord;
  CAA: CaaRecord;
}

export type RecordType = keyof RecordTypes;

/**
 * `nxdomain` and `nodata` are answers: the name or the type authoritatively does not exist.
 * Failing to get an answer at all is a {@link DnsError}, never one of these.
 */
export type AnswerStatus = 'ok' | 'nxdomain' | 'nodata';

export interface DnsAnswer<T> {
  name: string;
  type: RecordType;
  status: AnswerStatus;
  records: T[];
  /** Seconds, when the transport reports it. */
  ttl: number | undefined;
}

export type DnsErrorKind = 'timeout' | 'servfail' | 'refused' | 'formerr' | 'connection' | 'badname' | 'other';

/** The resolver could not find out: the caller must report "unknown", not "absent". */
export class DnsError extends Error {
  constructor(
    readonly kind: DnsErrorKind,
    readonly query: string,
    readonly type: RecordType,
    readonly code: string,
  ) {
    super(`DNS ${type} ${query}: ${describeKind(kind)} (${code})`);
    this.name = 'DnsError';
  }
}

export function describeKind(kind: DnsErrorKind): string {
  switch (kind) {
    case 'timeout':
      return 'no answer before the timeout';
    case 'servfail':
      return 'server failure (SERVFAIL)';
    case 'refused':
      return 'query refused (REFUSED)';
    case 'formerr':
      return 'malformed query or answer';
    case 'connection':
      return 'could not reach the DNS server';
    case 'badname':
      return 'not a valid DNS name';
    case 'other':
      return 'lookup failed';
  }
}

export interface Resolver {
  query<T extends RecordType>(name: string, type: T): Promise<DnsAnswer<RecordTypes[T]>>;
}
