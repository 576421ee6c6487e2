import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

import type { SMTPServer } from 'smtp-server';

import { LOOPBACK } from './ports.js';

/** Small pieces the relays and the MX share. */

export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

export function queueId(): string {
  return randomBytes(6).toString('hex').toUpperCase();
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function smtpError(responseCode: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode });
}

/** Keeps an upstream reply code (e.g. from LMTP) and turns anything else into a temporary failure. */
export function asSmtpError(error: unknown): Error & { responseCode: number } {
  if (error instanceof Error && 'responseCode' in error && typeof error.responseCode === 'number') {
    return Object.assign(error, { responseCode: error.responseCode });
  }
  return smtpError(451, `4.3.0 ${error instanceof Error ? error.message : String(error)}`);
}

export function listen(server: SMTPServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.server.address();
      if (address === null || typeof address === 'string') reject(new Error('SMTP server has no port'));
      else resolve(address.port);
    });
  });
}
