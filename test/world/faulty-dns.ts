import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';

import dnsPacket from 'dns-packet';

import { LOOPBACK } from './ports.js';

/** `silent` never answers (clients time out); `servfail` answers SERVFAIL to every query. */
export type Fault = 'silent' | 'servfail';

export interface FaultyDnsServer {
  fault: Fault;
  port: number;
  /** `127.0.0.1:PORT`, as `setServers` takes it. */
  server: string;
  stop(): Promise<void>;
}

const SERVFAIL = 2;

/** A DNS server on UDP and TCP (same port) that misbehaves in one way, for the "unknown, not clean" paths. */
export async function startFaultyDns(fault: Fault): Promise<FaultyDnsServer> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const udp = await bindUdp(fault);
    const port = udp.address().port;
    const connections = new Set<Socket>();
    const tcp = createServer((socket) => serveTcp(socket, fault, connections));
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen({ host: LOOPBACK, port, exclusive: true }, () => resolve(true));
    });
    if (!listening) {
      // Someone holds the TCP side of the port UDP gave us: try another.
      udp.close();
      continue;
    }
    return { fault, port, server: `${LOOPBACK}:${port}`, stop: () => stopAll(udp, tcp, connections) };
  }
  throw new Error(`faulty DNS (${fault}): no port free for both UDP and TCP`);
}

function bindUdp(fault: Fault): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const udp = createSocket('udp4');
    udp.once('error', reject);
    udp.on('message', (message, peer) => {
      const reply = fault === 'servfail' ? servfail(message) : undefined;
      if (reply) udp.send(dnsPacket.encode(reply), peer.port, peer.address);
    });
    udp.bind({ address: LOOPBACK, port: 0, exclusive: true }, () => resolve(udp));
  });
}

function serveTcp(socket: Socket, fault: Fault, connections: Set<Socket>): void {
  // A silent server still accepts and holds the connection, as a hung server does.
  connections.add(socket);
  socket.once('close', () => connections.delete(socket));
  socket.on('error', () => socket.destroy());
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) return;
      const query = buffered.subarray(2, 2 + length);
      buffered = buffered.subarray(2 + length);
      const reply = fault === 'servfail' ? servfail(query) : undefined;
      if (reply) socket.write(dnsPacket.streamEncode(reply));
    }
  });
}

/** The query's id and question with rcode SERVFAIL; undefined for bytes that are no DNS query. */
function servfail(query: Buffer): dnsPacket.Packet | undefined {
  try {
    const decoded = dnsPacket.decode(query);
    if (decoded.type !== 'query') return undefined;
    return {
      type: 'response',
      id: decoded.id ?? 0,
      flags: ((decoded.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | SERVFAIL,
      questions: decoded.questions ?? [],
    };
  } catch {
    return undefined;
  }
}

async function stopAll(udp: UdpSocket, tcp: Server, connections: Set<Socket>): Promise<void> {
  for (const socket of connections) socket.destroy();
  await Promise.all([
    new Promise<void>((resolve) => udp.close(() => resolve())),
    new Promise<void>((resolve) => tcp.close(() => resolve())),
  ]);
}
