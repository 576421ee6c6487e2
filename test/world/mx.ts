import type { Readable } from 'node:stream';

import { ImapFlow } from 'imapflow';
import { authenticate, type DNSResolver } from 'mailauth';
import nodemailer from 'nodemailer';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

import type { Resolver } from '../../src/dns/types.js';
import { toMailauthResolver } from '../../src/node/mailauth-resolver.js';
import { reverseName } from '../../src/dns/reverse.js';
import { stamp } from './receiver-shapes.js';
import { asSmtpError, listen, queueId, readAll, rfc5322Date, smtpError } from './smtp.js';
import type { Delivery as DeliveryRecord, Endpoint, RecipientRule, SeedAccount } from './types.js';

export interface Mx {
  port: number;
  hostname: string;
  setRecipientRule(address: string, rule: RecipientRule): void;
  clearRecipientRule(address: string): void;
  clearRecipientRules(): void;
  /** What was delivered to this recipient so far, oldest first. */
  deliveries(address: string): DeliveryRecord[];
  stop(): Promise<void>;
}

export interface MxOptions {
  hostname: string;
  /** Dovecot's LMTP listener, where accepted mail is delivered. */
  lmtp: Endpoint;
  /** Dovecot's IMAP listener and the seed accounts: a receiver with its own clock delivers by APPEND. */
  imap: Endpoint;
  accounts: SeedAccount[];
  /** Answers from the test DNS: mailauth's SPF/DKIM/DMARC lookups and the client's PTR. */
  resolver: Resolver;
}

/** The sending side of an SMTP session, as the Received header names it. */
interface Client {
  helo: string;
  ip: string;
  /** From PTR in the test DNS; `unknown` without one, as Postfix writes it. */
  name: string;
  /** ESMTP, ESMTPS (after STARTTLS), ... as smtp-server reports it. */
  protocol: string;
}

interface Delivery {
  recipients: string[];
  spamReasons: string[];
  delayMs: number;
  stampMs: boolean;
  clockOffsetMs: number;
  rule: RecipientRule;
}

/**
 * The seeds' receiving MX: authenticates each message with mailauth against the test DNS, stamps the
 * trace, Authentication-Results and spam headers a provider's MX would, and delivers to Dovecot over LMTP
 * (where Sieve files spam into Junk). Recipient rules bend this per seed for the missing/late/spam cases.
 */
export async function startMx(options: MxOptions): Promise<Mx> {
  const rules = new Map<string, RecipientRule>();
  const mailauthResolver = toMailauthResolver(options.resolver);
  const resolver: DNSResolver = (name, rrtype) => mailauthResolver(name, rrtype) as Promise<string[]>;
  const lmtp = nodemailer.createTransport({
    host: options.lmtp.host,
    port: options.lmtp.port,
    lmtp: true,
    name: options.hostname,
    ignoreTLS: true,
  });
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const delivered = new Map<string, DeliveryRecord[]>();

  /**
   * Hands the message to Dovecot, which stamps INTERNALDATE somewhere between the start of the LMTP
   * transaction and its reply: that window is recorded, so tests know the true arrival. A receiver that
   * stamps milliseconds also writes a Received for the hand-off, as an MX passing mail to its store does.
   */
  async function deliver(message: Accepted, delivery: Delivery): Promise<void> {
    const startedAt = Date.now();
    const clock = (at: number) => new Date(at + delivery.clockOffsetMs);
    const handOff = delivery.stampMs ? [deliveryHeader(options.hostname, message.id, delivery.recipients, clock(startedAt))] : [];
    const raw = Buffer.concat([Buffer.from([...handOff, ...message.headers(delivery)].map((h) => `${h}\r\n`).join('')), message.body]);
    if (delivery.clockOffsetMs !== 0) {
      await Promise.all(delivery.recipients.map((recipient) => appendAt(recipient, raw, clock(Date.now()))));
    } else {
      const info = await lmtp.sendMail({ envelope: { from: message.from, to: delivery.recipients }, raw });
      if (info.rejected.length > 0) throw smtpError(451, `4.3.0 LMTP rejected ${info.rejected.join(', ')}`);
    }
    const record = { messageId: message.messageId, acceptedAt: message.acceptedAt, deliveryStartedAt: startedAt, deliveredAt: Date.now() };
    for (const recipient of delivery.recipients) delivered.set(recipient.toLowerCase(), [...(delivered.get(recipient.toLowerCase()) ?? []), record]);
  }

  /** Dovecot's LMTP stamps INTERNALDATE by the machine's clock; IMAP APPEND takes the one we give it. */
  async function appendAt(recipient: string, raw: Buffer, internalDate: Date): Promise<void> {
    const account = options.accounts.find((a) => a.address.toLowerCase() === recipient.toLowerCase());
    if (!account) throw smtpError(550, `5.1.1 no mailbox for ${recipient}`);
    const client = new ImapFlow({ ...options.imap, secure: false, auth: { user: account.address, pass: account.password }, logger: false });
    await client.connect();
    try {
      await client.append('INBOX', raw, [], internalDate);
    } finally {
      await client.logout();
    }
  }

  function deliverLater(message: Accepted, delivery: Delivery): void {
    const { recipients, delayMs } = delivery;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const attempt = deliver(message, delivery).catch((error: unknown) => {
        // Nobody is waiting for a reply any more; say so where a confused test author will look.
        console.error(`test world MX: delayed delivery to ${recipients.join(', ')} failed:`, error);
      });
      inFlight.add(attempt);
      void attempt.finally(() => inFlight.delete(attempt));
    }, delayMs);
    timers.add(timer);
  }

  async function receive(stream: Readable, session: SMTPServerSession): Promise<string> {
    const message = await readAll(stream);
    // Read everything from the session now: smtp-server resets its envelope for the next transaction.
    const id = queueId();
    const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const client: Client = {
      helo: session.hostNameAppearsAs,
      ip: session.remoteAddress,
      name: await clientName(session.remoteAddress, options.resolver),
      protocol: session.transmissionType,
    };
    const auth = await authenticate(message, {
      ip: client.ip,
      helo: client.helo,
      sender: from,
      mta: options.hostname,
      resolver,
    });
    const dmarcFailed = auth.dmarc !== false && auth.dmarc.status.result === 'fail';
    const receivedAt = new Date();
    const accepted: Accepted = {
      id,
      from,
      messageId: /^message-id:\s*(.+)$/im.exec(message.subarray(0, message.indexOf('\r\n\r\n')).toString('utf8'))?.[1]?.trim() ?? '',
      acceptedAt: receivedAt.getTime(),
      body: message,
      headers: ({ recipients, spamReasons, stampMs, clockOffsetMs, rule }) => [
        ...(rule.receiver
          ? stamp(rule.receiver, { client, id, recipient: recipients[0] as string, at: receivedAt, mailFrom: from, auth })
          : [
              receivedHeader(client, { by: options.hostname, id, recipients, at: new Date(receivedAt.getTime() + clockOffsetMs), stampMs }),
              auth.headers.replace(/\r?\n$/, ''),
            ]),
        ...spamHeaders(spamReasons),
        ...(rule.chineseJunk ? ['X-Test-Junk-Locale: zh-CN'] : []),
        ...(rule.upstream ?? []),
      ],
    };
    const deliveries = plan(
      session.envelope.rcptTo.map((rcpt) => rcpt.address),
      (address) => rules.get(address.toLowerCase()) ?? {},
      dmarcFailed,
    );
    for (const delivery of deliveries) {
      if (delivery.delayMs > 0) deliverLater(accepted, delivery);
      else await deliver(accepted, delivery);
    }
    return `OK: queued as ${id}`;
  }

  const server = new SMTPServer({
    name: options.hostname,
    banner: 'inboxwatch test MX',
    authOptional: true,
    // Reverse lookups would go to the system resolver; the Received header asks the test DNS instead.
    disableReverseLookup: true,
    closeTimeout: 2000,
    logger: false,
    onData(stream, session, callback) {
      receive(stream, session).then(
        (reply) => callback(null, reply),
        (error: unknown) => callback(asSmtpError(error)),
      );
    },
  });
  const port = await listen(server);

  return {
    port,
    hostname: options.hostname,
    setRecipientRule: (address, rule) => rules.set(address.toLowerCase(), rule),
    clearRecipientRule: (address) => rules.delete(address.toLowerCase()),
    clearRecipientRules: () => rules.clear(),
    deliveries: (address) => delivered.get(address.toLowerCase()) ?? [],
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
      lmtp.close();
    },
  };
}

/** One accepted message, ready to be stamped per delivery group. */
interface Accepted {
  id: string;
  from: string;
  messageId: string;
  acceptedAt: number;
  body: Buffer;
  /** The trace, spam and Authentication-Results headers this MX prepends for one delivery group. */
  headers(delivery: Delivery): string[];
}

/** Groups recipients that get the same treatment into one LMTP transaction each; dropped ones get none. */
function plan(recipients: string[], ruleFor: (address: string) => RecipientRule, dmarcFailed: boolean): Delivery[] {
  const groups = new Map<string, Delivery>();
  for (const recipient of recipients) {
    const rule = ruleFor(recipient);
    if (rule.drop) continue;
    const spamReasons = [...(dmarcFailed ? ['DMARC_FAIL'] : []), ...(rule.spam ? ['FORCED_SPAM'] : [])];
    const delayMs = rule.delayMs ?? 0;
    const stampMs = rule.stampMs ?? false;
    const clockOffsetMs = rule.clockOffsetMs ?? 0;
    // A recipient with trace rules gets a transaction of its own, so the stamp can name it.
    const own = rule.receiver !== undefined || rule.upstream !== undefined || rule.chineseJunk === true;
    const key = own ? `own|${recipient}` : `${spamReasons.join(',')}|${delayMs}|${stampMs}|${clockOffsetMs}`;
    const group = groups.get(key) ?? { recipients: [], spamReasons, delayMs, stampMs, clockOffsetMs, rule };
    group.recipients.push(recipient);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** SpamAssassin-style verdict headers; ham gets them too, so readers must look at the value. */
function spamHeaders(reasons: string[]): string[] {
  if (reasons.length === 0) {
    return ['X-Spam-Flag: NO', 'X-Spam-Score: 0.1', 'X-Spam-Status: No, score=0.1 required=5.0 tests=NONE'];
  }
  const score = (5 + 2.5 * reasons.length).toFixed(1);
  return [
    'X-Spam-Flag: YES',
    `X-Spam-Score: ${score}`,
    `X-Spam-Status: Yes, score=${score} required=5.0 tests=${reasons.join(',')}`,
  ];
}

function receivedHeader(client: Client, hop: { by: string; id: string; recipients: string[]; at: Date; stampMs: boolean }): string {
  const forClause = hop.recipients.length === 1 ? `\r\n\tfor <${hop.recipients[0]}>` : '';
  return (
    `Received: from ${client.helo} (${client.name} [${client.ip}])\r\n` +
    `\tby ${hop.by} (inboxwatch test MX) with ${client.protocol} id ${hop.id}${forClause};\r\n` +
    `\t${stampDate(hop.at, hop.stampMs)}`
  );
}

function deliveryHeader(by: string, id: string, recipients: string[], at: Date): string {
  const forClause = recipients.length === 1 ? ` for <${recipients[0]}>` : '';
  return `Received: by ${by} (inboxwatch test MX store hand-off) with LMTP id ${id}${forClause};\r\n\t${stampDate(at, true)}`;
}

/** RFC 5322's date, or with milliseconds after the seconds as some receivers write it (`12:00:01.234`). */
function stampDate(at: Date, stampMs: boolean): string {
  const date = rfc5322Date(at);
  return stampMs ? date.replace(/(\d{2}:\d{2}:\d{2})/, `$1.${String(at.getUTCMilliseconds()).padStart(3, '0')}`) : date;
}

async function clientName(ip: string, resolver: Resolver): Promise<string> {
  const ptr = reverseName(ip);
  try {
    const answer = await resolver.query(ptr, 'PTR');
    return answer.records[0] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
