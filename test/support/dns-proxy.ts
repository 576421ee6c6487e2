import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

export interface DnsProxy {
  server: string;
  /** Names answered NXDOMAIN instead of forwarded: a listing that went away. */
  hide: Set<string>;
  stop(): Promise<void>;
}

const NXDOMAIN = 3;

/**
 * A UDP DNS server on loopback that forwards every query to `upstream` (the world's NSD) except the names
 * in `hide`, which it answers NXDOMAIN: the zone data stays the world's, and a test can delist a target.
 */
export async function startDnsProxy(upstream: string): Promise<DnsProxy> {
  const [upstreamHost, upstreamPort] = upstream.split(':') as [string, string];
  const hide = new Set<string>();
  const socket = createSocket('udp4');
  const pending = new Map<number, { port: number; address: string; id: number }>();
  const forward = createSocket('udp4');
  let nextId = 1;
  forward.on('message', (message) => {
    const id = message.readUInt16BE(0);
    const client = pending.get(id);
    if (!client) return;
    pending.delete(id);
    message.writeUInt16BE(client.id, 0);
    socket.send(message, client.port, client.address);
  });
  socket.on('message', (message, peer) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const name = query.questions?.[0]?.name.toLowerCase() ?? '';
    if (hide.has(name)) {
      const reply = dnsPacket.encode({ type: 'response', id: query.id ?? 0, flags: NXDOMAIN | dnsPacket.RECURSION_DESIRED, questions: query.questions ?? [] });
      socket.send(reply, peer.port, peer.address);
      return;
    }
    const id = nextId++ & 0xffff;
    pending.set(id, { port: peer.port, address: peer.address, id: message.readUInt16BE(0) });
    const copy = Buffer.from(message);
    copy.writeUInt16BE(id, 0);
    forward.send(copy, Number(upstreamPort), upstreamHost);
  });
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, () => resolve()));
  await new Promise<void>((resolve) => forward.bind({ address: '127.0.0.1', port: 0 }, () => resolve()));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    hide,
    stop: async () => {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      await new Promise<void>((resolve) => forward.close(() => resolve()));
    },
  };
}
