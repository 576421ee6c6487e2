import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOOPBACK } from './ports.js';

export interface DohServer {
  /**
   * `http://127.0.0.1:PORT`; `/dns-query` forwards (over TCP when the UDP answer is truncated, as a real
   * endpoint does), `/udp-only` passes truncated answers on, `/status/NNN` answers that HTTP status, `/html`
   * a web page.
   */
  url: string;
  stop(): Promise<void>;
}

/** An RFC 8484 endpoint on loopback that passes each message over UDP to a DNS server (`host:port`). */
export async function startDoh(upstream: string): Promise<DohServer> {
  const [host = LOOPBACK, port = '53'] = upstream.split(/:(?=\d+$)/);
  const server = createServer((request, response) => {
    void handle(request, response, host, Number(port));
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port: listening } = server.address() as AddressInfo;
  return {
    url: `http://${LOOPBACK}:${listening}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, host: string, port: number): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const status = /^\/status\/(\d{3})$/.exec(request.url ?? '');
  if (status) {
    response.writeHead(Number(status[1]), { 'content-type': 'text/plain' }).end('no');
    return;
  }
  if (request.url === '/html') {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<p>not DNS</p>');
    return;
  }
  if ((request.url !== '/dns-query' && request.url !== '/udp-only') || request.method !== 'POST' || request.headers['content-type'] !== 'application/dns-message') {
    response.writeHead(415).end();
    return;
  }
  const query = Buffer.concat(chunks);
  let answer = await forwardUdp(query, host, port);
  if (request.url === '/dns-query' && (answer.readUInt16BE(2) & TRUNCATED) !== 0) answer = await forwardTcp(query, host, port);
  response.writeHead(200, { 'content-type': 'application/dns-message' }).end(answer);
}

const TRUNCATED = 0x0200;

function forwardUdp(message: Buffer, host: string, port: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('message', (reply) => {
      socket.close();
      resolve(reply);
    });
    socket.once('error', reject);
    socket.send(message, port, host);
  });
}

function forwardTcp(message: Buffer, host: string, port: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(message.length);
    socket.end(Buffer.concat([length, message]));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('close', () => resolve(Buffer.concat(chunks).subarray(2)));
  });
}
