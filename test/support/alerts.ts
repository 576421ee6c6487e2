import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { seed, world } from '../world/context.js';

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
  json: { kind: string; subject: string; alerts?: Array<{ status: string; type: string; key: string; title: string; incident: number; evidence: Array<{ label: string; value: string }> }> };
}

export interface HookReceiver {
  url: string;
  received: ReceivedHook[];
  /** The status answered; 503 plays a receiver that is briefly down. */
  status: number;
  /** Every POST seen, whatever was answered. */
  attempts: number;
  stop(): Promise<void>;
}

/** A loopback HTTP server standing in for a webhook receiver: records every POST and answers `status`. */
export async function startHookReceiver(): Promise<HookReceiver> {
  const receiver: HookReceiver = { url: '', received: [], status: 200, attempts: 0, stop: async () => {} };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      receiver.attempts++;
      if (receiver.status === 200) receiver.received.push({ headers: request.headers, body, json: JSON.parse(body) as ReceivedHook['json'] });
      response.writeHead(receiver.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  receiver.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
}

/** Checks the signature header the way a receiver would: HMAC-SHA256 of the raw body with the shared secret. */
export function signatureValid(hook: ReceivedHook, secret: string): boolean {
  const header = hook.headers['x-inboxwatch-signature'];
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(hook.body).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface ReadMail {
  subject: string;
  text: string;
  html: string;
  from: string;
}

/** Every message in a seed's folder, parsed, oldest first. */
export async function mailIn(n: number, folder = 'INBOX'): Promise<ReadMail[]> {
  const account = seed(n);
  const client = new ImapFlow({ host: world().imap.host, port: world().imap.port, secure: false, auth: { user: account.address, pass: account.password }, logger: false });
  await client.connect();
  try {
    const box = await client.mailboxOpen(folder, { readOnly: true });
    if (box.exists === 0) return [];
    const messages = await client.fetchAll('1:*', { source: true });
    const parsed = await Promise.all(messages.map((m) => simpleParser(m.source as Buffer)));
    return parsed.map((p) => ({ subject: p.subject ?? '', text: p.text ?? '', html: typeof p.html === 'string' ? p.html : '', from: p.from?.text ?? '' }));
  } finally {
    await client.logout();
  }
}

/** Waits until `folder` holds at least `count` messages (delivery through relay, MX and LMTP takes a moment). */
export async function waitForMail(n: number, count: number, folder = 'INBOX', timeoutMs = 15_000): Promise<ReadMail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = await mailIn(n, folder);
    if (mail.length >= count || Date.now() > deadline) return mail;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
