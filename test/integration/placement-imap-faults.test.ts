import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type SeedConfig } from '../../src/config/schema.js';
import { resolverForRun } from '../../src/node/run-resolver.js';
import type { Logger } from '../../src/log.js';
import { createCollector } from '../../src/node/imap-collector.js';
import type { Collector } from '../../src/placement/mail-io.js';
import { completePlacementTest, createPlacementTest, testReport, type TestReport } from '../../src/placement/index.js';
import { startImapProxy, startRefusingImap } from '../support/imap-standins.js';
import { dkimKeyFile, placementContext, provider, seedEntry, tempDir, worldConfig } from '../support/placement.js';
import { clearRecipientRule, seed, setRecipientRule, world } from '../world/context.js';
import { freePort, LOOPBACK } from '../world/ports.js';

function seedAt(port: number): SeedConfig {
  return configSchema.parse({
    seeds: [{ address: 'storm@seeds.inboxwatch.test', imap: { host: LOOPBACK, port, secure: false, user: 'storm', pass: 'storm-password' } }],
  }).seeds[0] as SeedConfig;
}

function recordingLogger() {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => lines.push({ level, message, fields });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

describe('a seed whose IMAP host refuses every connection', () => {
  let collector: Collector | undefined;
  afterEach(async () => {
    await collector?.close();
    collector = undefined;
  });

  /** Watches one message for `ms` against the port; returns the login failures seen and what was logged. */
  async function watchFor(port: number, ms: number) {
    const { log, lines } = recordingLogger();
    let failures = 0;
    collector = createCollector({
      resolver: resolverForRun({ servers: [world().dns.server], timeoutMs: 1000, tries: 1, cacheMaxTtl: 0 }),
      log,
      pollIntervalMs: 1000,
      health: { login: async () => undefined, failure: async () => void failures++ },
    });
    collector.watch(seedAt(port), { target: { token: 'iw-storm', messageId: '<storm@x>', fromAddress: 'a@b' }, found: async () => undefined, failed: () => undefined });
    await sleep(ms);
    return { failures, warnings: lines.filter((l) => l.level === 'warn') };
  }

  for (const mode of ['reset', 'bye'] as const) {
    it(`backs off exponentially when the server accepts and drops the connection (${mode})`, async () => {
      const server = await startRefusingImap(mode);
      try {
        const { failures, warnings } = await watchFor(server.port, 4_000);
        // 1 s, 2 s, 4 s apart, each shortened by up to half by jitter: at most 4 tries in 4 s, never a storm.
        expect(server.connections()).toBeGreaterThanOrEqual(2);
        expect(server.connections()).toBeLessThanOrEqual(4);
        expect(failures).toBe(server.connections());
        // Logged when the seed starts failing, not on every attempt.
        expect(warnings).toHaveLength(1);
      } finally {
        await server.stop();
      }
    });
  }

  it('backs off the same way when nothing listens (ECONNREFUSED)', async () => {
    const { failures, warnings } = await watchFor(await freePort(), 4_000);
    expect(failures).toBeGreaterThanOrEqual(2);
    expect(failures).toBeLessThanOrEqual(4);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields?.error).toMatch(/ECONNREFUSED/);
  });
});

describe('an IMAP session that hangs near the deadline', () => {
  const blackholed = 17;
  beforeAll(() => setRecipientRule(seed(blackholed).address, { drop: true }));
  afterAll(() => clearRecipientRule(seed(blackholed).address));

  /** Sends one blackholed message, reading the seed through a proxy that freezes `freezeAfterMs` in. */
  async function runWithFreeze(freezeAfterMs: number): Promise<TestReport> {
    const proxy = await startImapProxy(world().imap);
    const dir = tempDir();
    const entry = seedEntry(blackholed);
    const config = worldConfig(dir, {
      providers: [provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) })],
      seeds: [{ ...entry, imap: { ...entry.imap, port: proxy.port } }],
      placement: { timeout: '4s', lateAfter: '2s', searchTimeout: '2s' },
    });
    const ctx = await placementContext(config);
    const freeze = setTimeout(() => proxy.freeze(), freezeAfterMs);
    try {
      const test = await createPlacementTest(ctx, { trigger: 'cli' });
      await completePlacementTest(ctx, test);
      return (await testReport(ctx.db, test.id)) as TestReport;
    } finally {
      clearTimeout(freeze);
      await ctx.close();
      await proxy.stop();
    }
  }

  for (const [when, ms] of [
    ['just before the deadline', 3_500],
    ['from the first command on', 0],
  ] as const) {
    it(`is an error, not missing, when the mailbox stops answering ${when}`, async () => {
      const report = await runWithFreeze(ms);
      const result = report.providers[0]?.seeds[0];
      expect(result?.send.status).toBe('sent');
      expect(result?.placement).toBe('error');
      expect(result?.error).toMatch(/did not complete/);
      expect(result?.foldersSearched).toEqual([]);
    });
  }

  it('still calls the blackholed message missing when every folder was searched', async () => {
    const report = await runWithFreeze(60_000);
    expect(report.providers[0]?.seeds[0]).toMatchObject({ placement: 'missing', error: null, foldersSearched: ['Junk', 'INBOX'] });
  });
});
