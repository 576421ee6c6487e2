import { Resolver } from 'node:dns/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';

import { clearRecipientRule, relay, seed, setRecipientRule, world } from '../world/context.js';
import type { SeedAccount } from '../world/types.js';

interface Sent {
  messageId: string;
  response: string;
  acceptedAt: number;
}

async function send(relayName: string, fromDomain: string, to: SeedAccount, signed: boolean): Promise<Sent> {
  const { host, port, user, password } = relay(relayName);
  const transport = nodemailer.createTransport({
    host,
    port,
    secure: false,
    ignoreTLS: true,
    auth: { user, pass: password },
    name: 'client.inboxwatch.test',
    dkim: signed ? world().dkim : undefined,
  });
  try {
    const info = await transport.sendMail({
      from: `Placement test <test@${fromDomain}>`,
      to: to.address,
      subject: `world test via ${relayName}`,
      text: 'Hello from the test world.',
    });
    return { messageId: info.messageId, response: info.response, acceptedAt: Date.now() };
  } finally {
    transport.close();
  }
}

/** Polls `mailbox` of `account` for the message until it arrives; undefined if it has not by the deadline. */
async function findMessage(
  account: SeedAccount,
  mailbox: string,
  messageId: string,
  timeoutMs = 5000,
): Promise<{ source: string; foundAt: number } | undefined> {
  const { host, port } = world().imap;
  const client = new ImapFlow({
    host,
    port,
    secure: false,
    doSTARTTLS: false,
    logger: false,
    auth: { user: account.address, pass: account.password },
  });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await client.mailboxOpen(mailbox, { readOnly: true });
      const uids = await client.search({ header: { 'message-id': messageId } }, { uid: true });
      const uid = uids ? uids[0] : undefined;
      if (uid !== undefined) {
        const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (message && message.source) return { source: message.source.toString('utf8'), foundAt: Date.now() };
      }
      if (Date.now() >= deadline) return undefined;
      await sleep(50);
    }
  } finally {
    await client.logout();
  }
}

// Recipient rules are shared by the whole run, so this file keeps to seeds of its own (see global-setup.ts).
const own = { inbox: seed(9), junk: seed(10), spam: seed(11), late: seed(12) };

function header(source: string, name: string): string {
  const head = source.split(/\r?\n\r?\n/)[0] ?? '';
  const match = new RegExp(`^${name}:([^\\n]*(?:\\r?\\n[ \\t][^\\n]*)*)`, 'im').exec(head);
  return match?.[1]?.replace(/\r?\n[ \t]+/g, ' ').trim() ?? '';
}

describe('test world: placement', () => {
  it('delivers authenticated mail from the good domain through the permitted relay to the INBOX', async () => {
    const sent = await send('good', world().domains.good, own.inbox, true);
    expect(sent.response).toMatch(/^250 OK: queued as [0-9A-F]+/);

    const found = await findMessage(own.inbox, 'INBOX', sent.messageId);
    expect(found, 'message in the INBOX').toBeDefined();
    const results = header(found?.source ?? '', 'Authentication-Results');
    expect(results).toMatch(/spf=pass/);
    expect(results).toMatch(/dkim=pass header\.i=@good\.inboxwatch\.test header\.s=s1/);
    expect(results).toMatch(/dmarc=pass/);
    expect(header(found?.source ?? '', 'X-Spam-Flag')).toBe('NO');
    const unfolded = found?.source.replace(/\r?\n[ \t]+/g, ' ') ?? '';
    expect(unfolded).toContain(
      'Received: from relay-good.inboxwatch.test (relay-good.inboxwatch.test [127.0.0.2]) by mx.seeds.inboxwatch.test',
    );
  });

  it('files mail from the bad domain through the unpermitted relay into Junk with dmarc=fail', async () => {
    const sent = await send('bad', world().domains.bad, own.junk, false);
    const found = await findMessage(own.junk, 'Junk', sent.messageId);
    expect(found, 'message in Junk').toBeDefined();
    const results = header(found?.source ?? '', 'Authentication-Results');
    expect(results).toMatch(/spf=fail/);
    expect(results).toMatch(/dmarc=fail/);
    expect(header(found?.source ?? '', 'X-Spam-Flag')).toBe('YES');
    expect(await findMessage(own.junk, 'INBOX', sent.messageId, 0)).toBeUndefined();
  });

  it('applies recipient rules: forced spam, delayed delivery and silent drops', async () => {
    const { spam, late, inbox: dropped } = own;
    await setRecipientRule(spam.address, { spam: true });
    await setRecipientRule(late.address, { delayMs: 800 });
    await setRecipientRule(dropped.address, { drop: true });
    try {
      const [toSpam, toLate, toDropped] = await Promise.all([
        send('good', world().domains.good, spam, true),
        send('good', world().domains.good, late, true),
        send('good', world().domains.good, dropped, true),
      ]);
      const spammed = await findMessage(spam, 'Junk', toSpam.messageId);
      expect(header(spammed?.source ?? '', 'X-Spam-Status')).toMatch(/tests=FORCED_SPAM/);
      expect(header(spammed?.source ?? '', 'Authentication-Results')).toMatch(/dmarc=pass/);

      const arrived = await findMessage(late, 'INBOX', toLate.messageId);
      expect(arrived, 'delayed message arrives').toBeDefined();
      expect((arrived?.foundAt ?? 0) - toLate.acceptedAt).toBeGreaterThanOrEqual(700);

      expect(toDropped.response).toMatch(/^250 /);
      expect(await findMessage(dropped, 'INBOX', toDropped.messageId, 1000)).toBeUndefined();
    } finally {
      await Promise.all([spam, late, dropped].map((account) => clearRecipientRule(account.address)));
    }
  });

  it('offers relays that reject, defer, refuse connections and accept slowly', async () => {
    const { good } = world().domains;
    await expect(send('reject-rcpt', good, own.inbox, true)).rejects.toMatchObject({ responseCode: 550 });
    await expect(send('defer-data', good, own.inbox, true)).rejects.toMatchObject({ responseCode: 451 });
    await expect(send('refused', good, own.inbox, true)).rejects.toMatchObject({ code: 'ESOCKET' });
    const started = Date.now();
    await send('slow', good, own.inbox, true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(relay('slow').acceptDelayMs ?? 0);
  });
});

describe('test world: DNS', () => {
  function resolverFor(server: string): Resolver {
    const resolver = new Resolver({ timeout: 300, tries: 1 });
    resolver.setServers([server]);
    return resolver;
  }

  it('serves the test zones authoritatively', async () => {
    const dns = resolverFor(world().dns.server);
    const dkim = (await dns.resolveTxt('s1._domainkey.good.inboxwatch.test')).map((chunks) => chunks.join(''));
    expect(dkim[0]).toMatch(/^v=DKIM1; k=rsa; p=MII/);
    // toMatchObject: Node 24 adds `type: 'MX'` to each record.
    const mx = await dns.resolveMx('seeds.inboxwatch.test');
    expect(mx).toMatchObject([{ exchange: 'mx.seeds.inboxwatch.test', priority: 10 }]);
    expect(await dns.reverse('127.0.0.2')).toEqual(['relay-good.inboxwatch.test']);
  });

  it('has a server that never answers (ETIMEOUT) and one that answers SERVFAIL (ESERVFAIL)', async () => {
    const { silent, servfail } = world().faultyDns;
    const name = 'good.inboxwatch.test';
    await expect(resolverFor(silent.server).resolveTxt(name)).rejects.toMatchObject({ code: 'ETIMEOUT' });
    await expect(resolverFor(servfail.server).resolveTxt(name)).rejects.toMatchObject({ code: 'ESERVFAIL' });
  });
});
