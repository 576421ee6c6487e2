import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema, type SeedConfig } from '../../src/config/schema.js';
import { resolverForRun } from '../../src/dns/index.js';
import type { Logger } from '../../src/log.js';
import { createCollector, type Collector } from '../../src/placement/collect.js';
import { startRefusingImap } from '../support/imap-standins.js';
import { freePort, LOOPBACK } from '../world/ports.js';
import { world } from '../world/context.js';

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
