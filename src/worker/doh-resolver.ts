import dnsPacket from 'dns-packet';
import { DnsError, type DnsAnswer, type DnsErrorKind, type RecordType, type RecordTypes, type Resolver } from '../dns/types.js';

export interface DohResolverOptions {
  /** An RFC 8484 endpoint, e.g. `https://doh.example.net/dns-query`. */
  endpoint: string;
  timeoutMs: number;
  tries: number;
  fetch?: typeof fetch;
}

/** What dns-packet decodes a response into (its published types leave out `rcode`). */
interface Response8484 {
  rcode?: string;
  flags?: number;
  answers?: Array<{ type: string; ttl?: number; data: unknown }>;
}
type Answer = NonNullable<Response8484['answers']>[number];

const DNS_MESSAGE = 'application/dns-message';
const TEXT = new TextDecoder();

/**
 * DNS over HTTPS (RFC 8484, POST) with the same contract as the c-ares resolver: NXDOMAIN and NODATA are
 * answers, anything that keeps us from an answer is a {@link DnsError}.
 */
export function createDohResolver(options: DohResolverOptions): Resolver {
  const send = options.fetch ?? fetch;
  const ask = async (name: string, type: RecordType): Promise<Response8484> => {
    // RFC 8484 §4.1: ID 0 keeps the message cacheable by HTTP caches.
    const body = dnsPacket.encode({ type: 'query', id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });
    let lastError: DnsError | undefined;
    for (let attempt = 0; attempt < Math.max(1, options.tries); attempt++) {
      let response: Response;
      try {
        response = await send(options.endpoint, {
          method: 'POST',
          headers: { 'content-type': DNS_MESSAGE, accept: DNS_MESSAGE },
          body: new Uint8Array(body),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        lastError = new DnsError(timedOut ? 'timeout' : 'connection', name, type, timedOut ? 'ETIMEOUT' : 'ECONNREFUSED');
        continue;
      }
      if (!response.ok || !(response.headers.get('content-type') ?? '').startsWith(DNS_MESSAGE)) {
        await response.body?.cancel();
        // A 5xx may pass; a 4xx or another content type will not.
        lastError = new DnsError(response.status >= 500 ? 'servfail' : 'other', name, type, `HTTP_${response.status}`);
        if (response.status >= 500) continue;
        throw lastError;
      }
      try {
        return dnsPacket.decode(Buffer.from(await response.arrayBuffer())) as Response8484;
      } catch {
        throw new DnsError('formerr', name, type, 'EBADRESP');
      }
    }
    throw lastError ?? new DnsError('other', name, type, 'UNKNOWN');
  };

  return {
    async query<T extends RecordType>(name: string, type: T): Promise<DnsAnswer<RecordTypes[T]>> {
      const packet = await ask(name, type);
      // A truncated message lost records: reading it as "no data" would turn a big SPF record into none.
      if ((packet.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE) throw new DnsError('other', name, type, 'ETRUNCATED');
      const rcode = packet.rcode ?? 'NOERROR';
      if (rcode === 'NXDOMAIN') return { name, type, status: 'nxdomain', records: [], ttl: undefined };
      if (rcode !== 'NOERROR') throw new DnsError(kindOfRcode(rcode), name, type, `E${rcode}`);
      const matching = (packet.answers ?? []).filter((answer) => answer.type === type);
      const records = matching.map((answer) => recordOf(type, answer)) as RecordTypes[T][];
      const ttl = matching.reduce<number | undefined>((min, answer) => (min === undefined || (answer.ttl ?? min) < min ? answer.ttl : min), undefined);
      return { name, type, status: records.length > 0 ? 'ok' : 'nodata', records, ttl };
    },
  };
}

function kindOfRcode(rcode: string): DnsErrorKind {
  switch (rcode) {
    case 'SERVFAIL':
      return 'servfail';
    case 'REFUSED':
      return 'refused';
    case 'FORMERR':
      return 'formerr';
    default:
      return 'other';
  }
}

/** The record in the shape the c-ares resolver gives it, so callers cannot tell the transports apart. */
function recordOf(type: RecordType, answer: Answer): RecordTypes[RecordType] {
  const data = answer.data;
  switch (type) {
    case 'TXT':
      return (Array.isArray(data) ? data : [data]).map((part: Uint8Array | string) => (typeof part === 'string' ? part : TEXT.decode(part)));
    case 'MX': {
      const mx = data as { preference: number; exchange: string };
      return { exchange: mx.exchange, priority: mx.preference };
    }
    case 'SOA': {
      const soa = data as { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };
      return { nsname: soa.mname, hostmaster: soa.rname, serial: soa.serial, refresh: soa.refresh, retry: soa.retry, expire: soa.expire, minttl: soa.minimum };
    }
    case 'CAA': {
      const caa = data as { flags: number; tag: string; value: string };
      return { critical: caa.flags, tag: caa.tag, value: caa.value };
    }
    default:
      return data as string;
  }
}
