import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { LOOPBACK } from './ports.js';
import { RECEIVER_SHAPES, type ReceiverShape } from './receiver-shapes.js';
import type { Delivery, RecipientRule } from './types.js';

/** What the control API can change in a running world. */
export interface Controllable {
  setRecipientRule(address: string, rule: RecipientRule): void;
  clearRecipientRule(address: string): void;
  deliveries(address: string): Delivery[];
}

export interface ControlServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * The world lives in Vitest's main process and tests run in workers, so tests change it over HTTP:
 *   PUT    /recipients/{address}   body: a RecipientRule as JSON
 *   DELETE /recipients/{address}
 *   GET    /deliveries/{address}   what the MX delivered to it, as Delivery[] JSON
 */
export async function startControlServer(world: Controllable): Promise<ControlServer> {
  const server = createServer((request, response) => {
    handle(world, request).then(
      (body) => reply(response, body === undefined ? 204 : 200, body ?? ''),
      (error: unknown) => reply(response, 400, error instanceof Error ? error.message : String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('control server has no port');
  return {
    url: `http://${LOOPBACK}:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(world: Controllable, request: IncomingMessage): Promise<string | undefined> {
  const path = new URL(request.url ?? '/', 'http://control').pathname;
  const recipient = /^\/deliveries\/([^/]+)$/.exec(path)?.[1];
  if (request.method === 'GET' && recipient) return JSON.stringify(world.deliveries(decodeURIComponent(recipient)));
  const address = /^\/recipients\/([^/]+)$/.exec(path)?.[1];
  if (request.method === 'DELETE' && address) {
    world.clearRecipientRule(decodeURIComponent(address));
    return undefined;
  }
  if (request.method === 'PUT' && address) {
    world.setRecipientRule(decodeURIComponent(address), parseRule(await readBody(request)));
    return undefined;
  }
  throw new Error(`no route for ${request.method ?? '?'} ${path}`);
}

function parseRule(body: string): RecipientRule {
  const value: unknown = JSON.parse(body);
  if (typeof value !== 'object' || value === null) throw new Error('a recipient rule is a JSON object');
  const { drop, delayMs, spam, stampMs, clockOffsetMs, receiver, upstream, chineseJunk, ...rest } = value as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0) throw new Error(`unknown recipient rule fields: ${unknownKeys.join(', ')}`);
  if (drop !== undefined && typeof drop !== 'boolean') throw new Error('drop must be a boolean');
  if (spam !== undefined && typeof spam !== 'boolean') throw new Error('spam must be a boolean');
  if (stampMs !== undefined && typeof stampMs !== 'boolean') throw new Error('stampMs must be a boolean');
  if (clockOffsetMs !== undefined && (typeof clockOffsetMs !== 'number' || !Number.isFinite(clockOffsetMs))) {
    throw new Error('clockOffsetMs must be a number');
  }
  if (delayMs !== undefined && (typeof delayMs !== 'number' || !(delayMs >= 0))) {
    throw new Error('delayMs must be a number >= 0');
  }
  if (receiver !== undefined && !(RECEIVER_SHAPES as readonly unknown[]).includes(receiver)) {
    throw new Error(`receiver must be one of ${RECEIVER_SHAPES.join(', ')}`);
  }
  if (upstream !== undefined && !(Array.isArray(upstream) && upstream.every((h) => typeof h === 'string' && /^[\x21-\x39\x3b-\x7e]+:/.test(h)))) {
    throw new Error('upstream must be an array of header lines ("Name: value")');
  }
  if (chineseJunk !== undefined && typeof chineseJunk !== 'boolean') throw new Error('chineseJunk must be a boolean');
  return { drop, delayMs, spam, stampMs, clockOffsetMs, receiver: receiver as ReceiverShape | undefined, upstream: upstream as string[] | undefined, chineseJunk };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'text/plain' }).end(body);
}
