import type { Readable } from 'node:stream';

import { authenticate, type DNSResolver } from 'mailauth';
import nodemailer from 'nodemailer';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

import type { Resolver } from '../../src/dns/types.js';
import { toMailauthResolver } from '../../src/node/mailauth-resolver.js';
import { reverseName } from '../../src/dns/reverse.js';
import { stamp } from './receiver-shapes.js';
import { asSmtpError, listen, queueId, readAll, rfc5322Date, smtpError } from './smtp.js';
import type { Endpoint, RecipientRule } from './types.js';

export interface Mx {
  port: number;
  hostname: string;
  setRecipientRule(address: string, rule: RecipientRule): void;
  clearRecipientRule(address: string): void;
  clearRecipientRules(): void;
  stop(): Promise<void>;
}

export interface MxOptions {
  hostname: string;
  /** Dovecot's LMTP listener, where accepted mail is delivered. */
  lmtp: Endpoint;
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

  async function deliver(from: string, recipients: string[], raw: Buffer): Promise<void> {
    const info = await lmtp.sendMail({ envelope: { from, to: recipients }, raw });
    if (info.rejected.length > 0) throw smtpError(451, `4.3.0 LMTP rejected ${info.rejected.join(', ')}`);
  }

  function deliverLater(from: string, recipients: string[], raw: Buffer, delayMs: number): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      const attempt = deliver(from, recipients, raw).catch((error: unknown) => {
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
    const deliveries = plan(
      session.envelope.rcptTo.map((rcpt) => rcpt.address),
      (address) => rules.get(address.toLowerCase()) ?? {},
      dmarcFailed,
    );
    for (const { recipients, spamReasons, delayMs, rule } of deliveries) {
      const trace = rule.receiver
        ? stamp(rule.receiver, { client, id, recipient: recipients[0] as string, at: receivedAt, mailFrom: from, auth })
        : [receivedHeader(client, { by: options.hostname, id, recipients, at: receivedAt }), auth.headers.replace(/\r?\n$/, '')];
      const headers = [...trace, ...spamHeaders(spamReasons), ...(rule.chineseJunk ? ['X-Test-Junk-Locale: zh-CN'] : []), ...(rule.upstream ?? [])];
      const raw = Buffer.concat([Buffer.from(`${headers.join('\r\n')}\r\n`), message]);
      if (delayMs > 0) deliverLater(from, recipients, raw, delayMs);
      else await deliver(from, recipients, raw);
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
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
      lmtp.close();
    },
  };
}

/** Groups recipients that get the same treatment into one LMTP transaction each; dropped ones get none. */
function plan(recipients: string[], ruleFor: (address: string) => RecipientRule, dmarcFailed: boolean): Delivery[] {
  const groups = new Map<string, Delivery>();
  for (const recipient of recipients) {
    const rule = ruleFor(recipient);
    if (rule.drop) continue;
    const spamReasons = [...(dmarcFailed ? ['DMARC_FAIL'] : []), ...(rule.spam ? ['FORCED_SPAM'] : [])];
    const delayMs = rule.delayMs ?? 0;
    // A recipient with trace rules gets a transaction of its own, so the stamp can name it.
    const key = rule.receiver || rule.upstream || rule.chineseJunk ? `own|${recipient}` : `${spamReasons.join(',')}|${delayMs}`;
    const group = groups.get(key) ?? { recipients: [], spamReasons, delayMs, rule };
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

function receivedHeader(client: Client, hop: { by: string; id: string; recipients: string[]; at: Date }): string {
  const forClause = hop.recipients.length === 1 ? `\r\n\tfor <${hop.recipients[0]}>` : '';
  return (
    `Received: from ${client.helo} (${client.name} [${client.ip}])\r\n` +
    `\tby ${hop.by} (inboxwatch test MX) with ${client.protocol} id ${hop.id}${forClause};\r\n` +
    `\t${rfc5322Date(hop.at)}`
  );
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
