/**
 * Detection delay: from the moment Dovecot's LMTP accepts a seed message to the moment its placement is
 * stored, for 50 seed mailboxes at once, for deliveries to INBOX and to Junk. inboxwatch (IDLE on INBOX and,
 * over a second connection, on the spam folder) against IDLE on INBOX alone and polling baselines, all
 * measured in the same run on the same world.
 *
 *   npx tsx bench/placement.ts [rounds]
 *
 * Runs as root (the test world starts Dovecot). Each round delivers one message to each of the 50
 * mailboxes at a uniformly random moment within the poll interval, so polling is measured at its average
 * rather than its worst case; Junk deliveries carry `X-Spam-Flag: YES`, which the world's Sieve files there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import nodemailer from 'nodemailer';
import { configSchema, type Config } from '../src/config/schema.js';
import { resolverForRun } from '../src/node/run-resolver.js';
import { silentLogger } from '../src/log.js';
import { createNodePlacementRuntime } from '../src/node/placement-runtime.js';
import { registerProcessOwner } from '../src/node/process-owner.js';
import { completePlacementTest, createPlacementTest, type PlacementContext } from '../src/placement/index.js';
import { composeMessage, TEST_HEADER } from '../src/placement/message.js';
import { percentile } from '../src/placement/rates.js';
import type { ProviderSender } from '../src/placement/mail-io.js';
import { verdictsOf } from '../src/placement/store.js';
import { openStore } from '../src/node/sqlite-store.js';
import { startWorld } from '../test/world/index.js';

const SEEDS = 50;
const ROUNDS = Number(process.argv[2] ?? 2);
const SPREAD_MS = 5_000;

interface Mode {
  name: string;
  idle: boolean;
  spamIdle: boolean;
  pollInterval: string;
}

type Destination = 'inbox' | 'spam';
const DESTINATIONS: Destination[] = ['inbox', 'spam'];

const MODES: Mode[] = [
  { name: 'IDLE on INBOX + spam, poll 5s', idle: true, spamIdle: true, pollInterval: '5s' },
  { name: 'IDLE on INBOX only, poll 5s', idle: true, spamIdle: false, pollInterval: '5s' },
  { name: 'polling every 1s', idle: false, spamIdle: false, pollInterval: '1s' },
  { name: 'polling every 5s', idle: false, spamIdle: false, pollInterval: '5s' },
];
const key = (mode: Mode, to: Destination) => `${mode.name}\u0000${to}`;

const world = await startWorld({ extraSeeds: SEEDS - 4 });
const dir = mkdtempSync(join(tmpdir(), 'inboxwatch-bench-'));
const lmtp = nodemailer.createTransport({ host: world.info.lmtp.host, port: world.info.lmtp.port, lmtp: true, pool: true, maxConnections: 8, ignoreTLS: true } as never);

try {
  const results = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const to of DESTINATIONS) {
      for (const mode of MODES) {
        const delays = await measure(mode, to, round);
        results.set(key(mode, to), [...(results.get(key(mode, to)) ?? []), ...delays]);
      }
    }
  }
  const p = (values: number[], q: number) => percentile(values, q) ?? Number.NaN;
  process.stdout.write(`detection delay, LMTP accept → placement stored; ${SEEDS} seed mailboxes, ${ROUNDS} rounds, deliveries spread over ${SPREAD_MS / 1000}s\n`);
  for (const to of DESTINATIONS) {
    process.stdout.write(`delivered to ${to === 'inbox' ? 'INBOX' : 'Junk'}\n`);
    const base = results.get(key(MODES[0] as Mode, to)) ?? [];
    for (const [i, mode] of MODES.entries()) {
      const values = results.get(key(mode, to)) ?? [];
      const ratio = i === 0 ? '' : `   ${(p(values, 0.5) / p(base, 0.5)).toFixed(1)}× / ${(p(values, 0.95) / p(base, 0.95)).toFixed(1)}× the first row's p50 / p95`;
      process.stdout.write(
        `  ${mode.name.padEnd(31)} n=${String(values.length).padStart(3)}  p50 ${p(values, 0.5).toFixed(0).padStart(5)} ms  p95 ${p(values, 0.95).toFixed(0).padStart(5)} ms${ratio}\n`,
      );
    }
  }
} finally {
  lmtp.close();
  await world.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** One test over all 50 seeds with a collector in the given mode, delivering to `to`; returns each message's detection delay. */
async function measure(mode: Mode, to: Destination, round: number): Promise<number[]> {
  const config: Config = configSchema.parse({
    database: join(dir, `${mode.idle ? 'idle' : 'poll'}-${mode.spamIdle ? 'spam-' : ''}${mode.pollInterval}-${to}-${round}.db`),
    dns: { servers: [world.info.dns.server], timeoutMs: 1000, tries: 2 },
    providers: [{ name: 'direct', smtp: { host: '127.0.0.1', port: 25 }, from: 'News <news@good.inboxwatch.test>' }],
    seeds: world.info.seeds.map((s) => ({
      address: s.address,
      imap: { host: world.info.imap.host, port: world.info.imap.port, secure: false, user: s.address, pass: s.password },
    })),
    placement: { timeout: '60s', pollInterval: mode.pollInterval, spamIdle: mode.spamIdle },
  });
  const db = await openStore(config.database);
  const resolver = resolverForRun(config.dns);
  const runtime = { ...createNodePlacementRuntime(), createSender: async () => direct };
  const collector = runtime.openCollector({ config, db, resolver, log: silentLogger, idle: mode.idle });
  const accepted = new Map<string, number>();
  const deliveries: Promise<void>[] = [];
  // Stands in for a provider: delivers straight into Dovecot over LMTP at a random moment, noting when LMTP accepted.
  const direct: ProviderSender = {
    async send(message) {
      const body = composeMessage(message.token, 'direct');
      deliveries.push(
        sleep(Math.random() * SPREAD_MS).then(async () => {
          await lmtp.sendMail({
            from: 'News <news@good.inboxwatch.test>',
            to: message.to,
            subject: body.subject,
            text: body.text,
            messageId: message.messageId,
            headers: { [TEST_HEADER]: message.token, ...(to === 'spam' ? { 'X-Spam-Flag': 'YES' } : {}) },
          });
          accepted.set(message.messageId, Date.now());
        }),
      );
      return { ok: true, at: Date.now(), response: '250 2.0.0 OK', queueId: null };
    },
    close() {},
  };
  const owner = await registerProcessOwner(db, 'bench', silentLogger);
  const ctx: PlacementContext = { config, db, resolver, log: silentLogger, now: Date.now, collector, runtime, owner };
  try {
    // Warm up: every mailbox logged in and waiting, as in steady state.
    await Promise.all(
      config.seeds.map(
        (seed) =>
          new Promise<void>((resolve) => {
            const stop = collector.watch(seed, {
              target: { token: 'iw-warmupwarmupwarmupwa', messageId: `<warmup.${seed.address}>`, fromAddress: 'nobody@invalid' },
              found: async () => undefined,
              failed: () => resolve(),
            });
            setTimeout(() => {
              stop();
              resolve();
            }, 1500);
          }),
      ),
    );
    const test = await createPlacementTest(ctx, { trigger: 'manual' });
    await completePlacementTest(ctx, test);
    await Promise.all(deliveries);
    const verdicts = await verdictsOf(db, test.id, { headers: false });
    const messages = new Map((await db.all<{ id: number; message_id: string }>('SELECT id, message_id FROM messages WHERE test_id = ?', [test.id])).map((m) => [m.id, m.message_id]));
    const delays: number[] = [];
    for (const v of verdicts) {
      const at = accepted.get(messages.get(v.messageId) ?? '');
      if (v.placement !== to || at === undefined) throw new Error(`${v.seed}: ${v.placement} ${v.error ?? ''}`);
      delays.push(v.decidedAt - at);
    }
    return delays;
  } finally {
    await collector.close();
    await db.close();
  }
}
