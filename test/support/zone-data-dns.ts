import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import dnsPacket from 'dns-packet';
import { LOOPBACK } from '../world/ports.js';
import type { SuiteRecord } from './spf-suite.js';

/**
 * An authoritative DNS server on loopback (UDP and TCP, one port) that answers from the RFC 7208 suite's zone
 * data the way the suite's own driver (python3-spf's testspf.py) does: a name that is not listed is NXDOMAIN
 * (names under `error.` time out), a listed name without the type is NODATA, TIMEOUT entries never answer,
 * SPF-type records are also served as TXT unless the name has TXT records, and a CNAME is followed one level.
 * The zone is swapped per scenario with `load`.
 */
export interface ZoneDataDns {
  server: string;
  load(zone: Map<string, SuiteRecord[]>): void;
  stop(): Promise<void>;
}

type Answer = { timeout: true } | { timeout: false; rcode: 'NOERROR' | 'NXDOMAIN'; answers: dnsPacket.Answer[] };

export async function startZoneDataDns(): Promise<ZoneDataDns> {
  let zone = new Map<string, SuiteRecord[]>();
  const respond = (query: Buffer, udp: boolean): Buffer | undefined => {
    let decoded: dnsPacket.Packet;
    try {
      decoded = dnsPacket.decode(query);
    } catch {
      return undefined;
    }
    const question = decoded.questions?.[0];
    if (!question) return undefined;
    const answer = lookup(zone, question.name, question.type);
    if (answer.timeout) return undefined;
    const reply: dnsPacket.Packet = {
      type: 'response',
      id: decoded.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (answer.rcode === 'NXDOMAIN' ? 3 : 0),
      questions: [question],
      answers: answer.answers,
    };
    const encoded = dnsPacket.encode(reply);
    const opt = decoded.additionals?.find((a) => a.type === 'OPT') as { udpPayloadSize?: number } | undefined;
    if (udp && encoded.length > Math.max(512, opt?.udpPayloadSize ?? 512)) {
      return dnsPacket.encode({ ...reply, flags: (reply.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE, answers: [] });
    }
    return encoded;
  };

  for (let attempt = 0; attempt < 10; attempt++) {
    const udp = await new Promise<UdpSocket>((resolve, reject) => {
      const socket = createSocket('udp4');
      socket.once('error', reject);
      socket.on('message', (message, peer) => {
        const reply = respond(message, true);
        if (reply) socket.send(reply, peer.port, peer.address);
      });
      socket.bind({ address: LOOPBACK, port: 0, exclusive: true }, () => resolve(socket));
    });
    const port = udp.address().port;
    const connections = new Set<Socket>();
    const tcp = createServer((socket) => {
      connections.add(socket);
      socket.once('close', () => connections.delete(socket));
      socket.on('error', () => socket.destroy());
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
          const length = buffered.readUInt16BE(0);
          const reply = respond(buffered.subarray(2, 2 + length), false);
          buffered = buffered.subarray(2 + length);
          if (reply) socket.write(Buffer.concat([Buffer.from([reply.length >> 8, reply.length & 0xff]), reply]));
        }
      });
    });
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen({ host: LOOPBACK, port, exclusive: true }, () => resolve(true));
    });
    if (!listening) {
      udp.close();
      continue;
    }
    return {
      server: `${LOOPBACK}:${port}`,
      load: (next) => {
        zone = next;
      },
      stop: () => stop(udp, tcp, connections),
    };
  }
  throw new Error('zone-data DNS: no port free for both UDP and TCP');
}

function lookup(zone: Map<string, SuiteRecord[]>, rawName: string, type: string, followCname = true): Answer {
  const name = rawName.toLowerCase().replace(/\.$/, '');
  const records = zone.get(name);
  if (!records) return name.startsWith('error.') ? { timeout: true } : { timeout: false, rcode: 'NXDOMAIN', answers: [] };
  // SPF-type records stand in for TXT unless the name lists TXT itself; the driver appends them last.
  const hasTxt = records.some((r) => r.type === 'TXT');
  // The driver drops a listed "NONE" record (it only stops SPF-to-TXT generation), but keeps the TXT it
  // generates from an SPF "NONE".
  const listed = records.filter((r) => !('value' in r && (r.value === 'NONE' || (Array.isArray(r.value) && r.value.length === 1 && r.value[0] === 'NONE'))));
  const generated = records.filter((r) => r.type === 'SPF').map((r) => ({ ...r, type: 'TXT' }) as SuiteRecord);
  const ordered = hasTxt ? listed : [...listed, ...generated];
  const answers: dnsPacket.Answer[] = [];
  let seenType = false;
  for (const record of ordered) {
    if (record.type === 'TIMEOUT') {
      if (!seenType) return { timeout: true };
      break;
    }
    if (record.type === type) seenType = true;
    if ('value' in record && record.value === 'TIMEOUT') {
      if (record.type === type) return { timeout: true };
      continue;
    }
    if (record.type === 'CNAME' && followCname) {
      const target = String(record.value);
      answers.push({ name, type: 'CNAME', ttl: 60, data: target });
      const chained = lookup(zone, target, type, false);
      if (chained.timeout) return chained;
      answers.push(...chained.answers);
      continue;
    }
    if (record.type !== type) continue;
    const rr = toAnswer(name, record);
    if (rr) answers.push(rr);
  }
  return { timeout: false, rcode: 'NOERROR', answers };
}

function toAnswer(name: string, record: SuiteRecord): dnsPacket.Answer | undefined {
  switch (record.type) {
    case 'A':
    case 'AAAA':
    case 'CNAME':
    case 'PTR':
      return { name, type: record.type, ttl: 60, data: String(record.value) } as dnsPacket.Answer;
    case 'MX':
      return { name, type: 'MX', ttl: 60, data: { preference: record.value[0], exchange: record.value[1] } };
    case 'TXT': {
      const strings = Array.isArray(record.value) ? record.value : [record.value];
      // A character-string holds at most 255 bytes; the suite's longer strings are split as a zone file would.
      const chunks = strings.flatMap((s) => {
        const bytes = Buffer.from(s, 'utf8');
        const parts: Buffer[] = [];
        for (let i = 0; i < bytes.length; i += 255) parts.push(bytes.subarray(i, i + 255));
        return parts.length > 0 ? parts : [Buffer.alloc(0)];
      });
      return { name, type: 'TXT', ttl: 60, data: chunks };
    }
    default:
      return undefined;
  }
}

async function stop(udp: UdpSocket, tcp: Server, connections: Set<Socket>): Promise<void> {
  for (const socket of connections) socket.destroy();
  await Promise.all([new Promise<void>((resolve) => udp.close(() => resolve())), new Promise<void>((resolve) => tcp.close(() => resolve()))]);
}
