import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { stringify } from 'yaml';
import { configSchema, type Config } from '../../src/config/schema.js';
import { resolverForRun } from '../../src/node/run-resolver.js';
import { registerProcessOwner } from '../../src/node/process-owner.js';
import { silentLogger } from '../../src/log.js';
import { createNodePlacementRuntime } from '../../src/node/placement-runtime.js';
import type { PlacementContext } from '../../src/placement/index.js';
import { openStore } from '../../src/node/sqlite-store.js';
import type { Sql } from '../../src/store/sql.js';
import { relay, seed, world } from '../world/context.js';

export const FROM = { good: 'News <news@good.inboxwatch.test>', bad: 'News <news@bad.inboxwatch.test>' };

/** A provider entry pointing at one of the world's relays. */
export function provider(relayName: string, options: { from?: string; sign?: boolean; dkimKeyFile?: string } = {}) {
  const r = relay(relayName);
  return {
    name: relayName,
    smtp: { host: r.host, port: r.port, secure: false, user: r.user, pass: r.password },
    from: options.from ?? FROM.good,
    ips: [r.sourceAddress],
    ...(options.sign && options.dkimKeyFile ? { dkim: { domain: 'good.inboxwatch.test', selector: 's1', privateKeyFile: options.dkimKeyFile } } : {}),
  };
}

/** A seed entry for world seed `n`; `pass` overrides its password (the wrong-password case). */
export function seedEntry(n: number, options: { pass?: string } = {}) {
  const account = seed(n);
  return {
    address: account.address,
    imap: { host: world().imap.host, port: world().imap.port, secure: false, user: account.address, pass: options.pass ?? account.password },
  };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'inboxwatch-placement-'));
}

export function dkimKeyFile(dir: string): string {
  const file = join(dir, 'good-s1.key.pem');
  writeFileSync(file, world().dkim.privateKey, { mode: 0o600 });
  return file;
}

export function worldConfig(dir: string, raw: { providers: unknown[]; seeds: unknown[]; placement?: Record<string, unknown> }): Config {
  return configSchema.parse({
    database: join(dir, 'inboxwatch.db'),
    dns: { servers: [world().dns.server], timeoutMs: 1000, tries: 2 },
    providers: raw.providers,
    seeds: raw.seeds,
    placement: { timeout: '20s', lateAfter: '10s', pollInterval: '1s', ...raw.placement },
  });
}

/** Writes the same configuration as a YAML file for the CLI. */
export function writeConfigFile(dir: string, raw: { providers: unknown[]; seeds: unknown[]; placement?: Record<string, unknown> }): string {
  const file = join(dir, 'inboxwatch.yaml');
  writeFileSync(
    file,
    stringify({
      database: join(dir, 'inboxwatch.db'),
      dns: { servers: [world().dns.server], timeoutMs: 1000, tries: 2 },
      providers: raw.providers,
      seeds: raw.seeds,
      placement: { timeout: '20s', lateAfter: '10s', pollInterval: '1s', ...raw.placement },
    }),
  );
  return file;
}

export async function placementContext(config: Config): Promise<PlacementContext & { db: Sql; close(): Promise<void> }> {
  const db = await openStore(config.database);
  const resolver = resolverForRun(config.dns);
  const runtime = createNodePlacementRuntime();
  const collector = runtime.openCollector({ config, db, resolver, log: silentLogger });
  const owner = await registerProcessOwner(db, 'test', silentLogger);
  return {
    config,
    db,
    resolver,
    log: silentLogger,
    now: Date.now,
    collector,
    runtime,
    owner,
    async close() {
      await collector.close();
      await owner.retire();
      await db.close();
    },
  };
}

/** Reads a seed mailbox directly: how many messages in `folder` carry this Message-ID, and their flags. */
export async function messagesInMailbox(n: number, folder: string, messageId: string): Promise<Array<{ uid: number; flags: string[] }>> {
  const account = seed(n);
  const client = new ImapFlow({ host: world().imap.host, port: world().imap.port, secure: false, auth: { user: account.address, pass: account.password }, logger: false });
  await client.connect();
  try {
    await client.mailboxOpen(folder, { readOnly: true });
    const uids = (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
    if (uids.length === 0) return [];
    const messages = await client.fetchAll(uids, { uid: true, flags: true }, { uid: true });
    return messages.map((m) => ({ uid: m.uid, flags: [...(m.flags ?? [])] }));
  } finally {
    await client.logout();
  }
}
