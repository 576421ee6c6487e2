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
 *
 * Beside it, the latency each verdict reports (midpoint ± error, from whole-second INTERNALDATE and the moment
 * the search found the message): its error per collector, and whether the interval held the true latency
 * (LMTP's transaction window minus the 250 time) every time.
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

interface Measured {
  /** Detection delay per message: LMTP accepted → placement stored. */
  delays: number[];
  /** latencyErrorMs per message. */
  errors: number[];
  /** Messages whose reported latency interval held the true latency. */
  held: number;
}

const world = await startWorld({ extraSeeds: SEEDS - 4 });
const dir = mkdtempSync(join(tmpdir(), 'inboxwatch-bench-'));
const lmtp = nodemailer.createTransport({ host: world.info.lmtp.host, port: world.info.lmtp.port, lmtp: true, pool: true, maxConnections: 8, ignoreTLS: true } as never);

try {
  const results = new Map<string, Measured>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const to of DESTINATIONS) {
      for (const mode of MODES) {
        const measured = await measure(mode, to, round);
        const sofar = results.get(key(mode, to)) ?? { delays: [], errors: [], held: 0 };
        results.set(key(mode, to), { delays: [...sofar.delays, ...measured.delays], errors: [...sofar.errors, ...measured.errors], held: sofar.held + measured.held });
      }
    }
  }
  const p = (values: number[], q: number) => percentile(values, q) ?? Number.NaN;
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  process.stdout.write(`detection delay, LMTP accept → placement stored; ${SEEDS} seed mailboxes, ${ROUNDS} rounds, deliveries spread over ${SPREAD_MS / 1000}s\n`);
  for (const to of DESTINATIONS) {
    process.stdout.write(`delivered to ${to === 'inbox' ? 'INBOX' : 'Junk'}\n`);
    const base = results.get(key(MODES[0] as Mode, to))?.delays ?? [];
    for (const [i, mode] of MODES.entries()) {
      const values = results.get(key(mode, to))?.delays ?? [];
      const ratio = i === 0 ? '' : `   ${(p(values, 0.5) / p(base, 0.5)).toFixed(1)}× / ${(p(values, 0.95) / p(base, 0.95)).toFixed(1)}× the first row's p50 / p95`;
      process.stdout.write(
        `  ${mode.name.padEnd(31)} n=${String(values.length).padStart(3)}  p50 ${p(values, 0.5).toFixed(0).padStart(5)} ms  p95 ${p(values, 0.95).toFixed(0).padStart(5)} ms${ratio}\n`,
      );
    }
  }
  process.stdout.write('reported latency error (latencyErrorMs) and intervals holding the true latency\n');
  for (const to of DESTINATIONS) {
    for (const mode of MODES) {
      const { errors, held } = results.get(key(mode, to)) ?? { errors: [], held: 0 };
      process.stdout.write(
        `  ${to.padEnd(5)} ${mode.name.padEnd(31)} error mean ${mean(errors).toFixed(0).padStart(4)} ms  p5 ${p(errors, 0.05).toFixed(0).padStart(4)} ms  held ${held}/${errors.length}\n`,
      );
    }
  }
} finally {
  lmtp.close();
  await world.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** One test over all 50 seeds with a collector in the given mode, delivering to `to`. */
async function measure(mode: Mode, to: Destination, round: number): Promise<Measured> {
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
  const handedOver = new Map<string, number>();
  const deliveries: Promise<void>[] = [];
  // Stands in for a provider: delivers straight into Dovecot over LMTP at a random moment, noting when LMTP accepted.
  const direct: ProviderSender = {
    async send(message) {
      const body = composeMessage(message.token, 'direct');
      deliveries.push(
        sleep(Math.random() * SPREAD_MS).then(async () => {
          handedOver.set(message.messageId, Date.now());
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
    const sent = new Map((await db.all<{ id: number; sent_at: number }>('SELECT id, sent_at FROM messages WHERE test_id = ?', [test.id])).map((m) => [m.id, m.sent_at]));
    const measured: Measured = { delays: [], errors: [], held: 0 };
    for (const v of verdicts) {
      const messageId = messages.get(v.messageId) ?? '';
      const at = accepted.get(messageId);
      const start = handedOver.get(messageId);
      const sentAt = sent.get(v.messageId);
      if (v.placement !== to || at === undefined || start === undefined || sentAt === undefined) throw new Error(`${v.seed}: ${v.placement} ${v.error ?? ''}`);
      measured.delays.push(v.decidedAt - at);
      if (v.latencyErrorMs === null || v.latencyLowMs === null || v.latencyHighMs === null) throw new Error(`${v.seed}: no latency (clock skew ${v.clockSkewMs})`);
      measured.errors.push(v.latencyErrorMs);
      // Dovecot stamped INTERNALDATE during the LMTP transaction: the interval must meet that window.
      if (v.latencyLowMs <= at - sentAt && v.latencyHighMs >= start - sentAt) measured.held++;
    }
    return measured;
  } finally {
    await collector.close();
    await db.close();
  }
}
