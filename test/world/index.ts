import { rmSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createAresResolver } from '../../src/node/ares-resolver.js';
import { startControlServer, type Controllable } from './control.js';
import { startDnsServer } from './dns-server.js';
import { startDovecot } from './dovecot.js';
import { startFaultyDns } from './faulty-dns.js';
import { startMx } from './mx.js';
import { startOAuthServer } from './oauth.js';
import { LOOPBACK } from './ports.js';
import { startRelay } from './relay.js';
import type { RelayOptions, SeedAccount, WorldInfo } from './types.js';

export type * from './types.js';

export interface WorldOptions {
  /** Seeds beyond the standard seed1..seed4 (benchmarks want ~50); they are numbered on from seed5. */
  extraSeeds?: number;
  /** Replaces {@link DEFAULT_RELAYS}. */
  relays?: Record<string, RelayOptions>;
  /** Directory of `<origin>.zone` files; defaults to test/world/zones. */
  zonesDir?: string;
}

export interface World extends Controllable {
  info: WorldInfo;
  /** For a caller that owns its world (a benchmark); tests sharing the global world clear only their own. */
  clearRecipientRules(): void;
  /** Stops every server and daemon and removes the temp dir. */
  stop(): Promise<void>;
}

export const DOMAINS = {
  good: 'good.inboxwatch.test',
  bad: 'bad.inboxwatch.test',
  seeds: 'seeds.inboxwatch.test',
} as const;

/** Source addresses as the zones know them: SPF for good.inboxwatch.test permits 127.0.0.2 only. */
const PERMITTED_SOURCE = '127.0.0.2';
const UNPERMITTED_SOURCE = '127.0.0.3';
const goodRelay = { sourceAddress: PERMITTED_SOURCE, heloName: 'relay-good.inboxwatch.test' };

export const DEFAULT_RELAYS: Record<string, RelayOptions> = {
  good: goodRelay,
  bad: { sourceAddress: UNPERMITTED_SOURCE, heloName: 'relay-bad.inboxwatch.test' },
  'reject-rcpt': { ...goodRelay, reject: { stage: 'rcpt', code: 550, message: '5.7.1 Sender address rejected' } },
  'defer-data': { ...goodRelay, reject: { stage: 'data', code: 451, message: '4.7.1 Try again later' } },
  refused: { ...goodRelay, refuseConnections: true },
  slow: { ...goodRelay, acceptDelayMs: 1500 },
};

const STANDARD_SEEDS = 4;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Starts DNS, the faulty DNS servers, Dovecot, the MX, the relays and the control API, all on loopback. */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const tempDir = await mkdtemp(join(tmpdir(), 'inboxwatch-world-'));
  // Dovecot's unprivileged processes must reach their sockets and mail under here.
  await chmod(tempDir, 0o755);
  // If the runner dies without calling stop (daemon.ts kills the daemons then), leave no temp dir behind.
  const removeTempDir = () => rmSync(tempDir, { recursive: true, force: true });
  process.once('exit', removeTempDir);
  const stoppers: (() => Promise<void>)[] = [];
  // In reverse order of starting, so nothing is left talking to a server that has already gone.
  const stop = async () => {
    const failures: unknown[] = [];
    for (const stopOne of stoppers.splice(0).reverse()) await stopOne().catch((error: unknown) => failures.push(error));
    process.off('exit', removeTempDir);
    await rm(tempDir, { recursive: true, force: true });
    if (failures.length > 0) throw failures[0];
  };
  const started = <T extends { stop(): Promise<void> }>(service: T): T => {
    stoppers.push(() => service.stop());
    return service;
  };

  try {
    const seeds = seedAccounts(STANDARD_SEEDS + (options.extraSeeds ?? 0));
    const oauth = started(await startOAuthServer(seeds.map((s) => s.address)));
    const [dns, silent, servfail, dovecot, privateKey] = await allStarted([
      startDnsServer(join(tempDir, 'nsd'), options.zonesDir ?? here('./zones')).then(started),
      startFaultyDns('silent').then(started),
      startFaultyDns('servfail').then(started),
      startDovecot(join(tempDir, 'dovecot'), {
        accounts: seeds,
        hostname: `imap.${DOMAINS.seeds}`,
        postmaster: `postmaster@${DOMAINS.seeds}`,
        oauth2IntrospectionUrl: oauth.introspectionUrl,
      }).then(started),
      readFile(here('./keys/good-s1.key.pem'), 'utf8'),
    ] as const);
    const mx = started(
      await startMx({
        hostname: `mx.${DOMAINS.seeds}`,
        lmtp: { host: LOOPBACK, port: dovecot.lmtpPort },
        imap: { host: LOOPBACK, port: dovecot.imapPort },
        accounts: seeds,
        resolver: createAresResolver({ servers: [dns.server], timeoutMs: 2000, tries: 2 }),
      }),
    );
    const relays = await allStarted(
      Object.entries(options.relays ?? DEFAULT_RELAYS).map(([name, relay]) =>
        startRelay(name, relay, { host: LOOPBACK, port: mx.port }).then(started),
      ),
    );
    const control = started(await startControlServer(mx));

    const info: WorldInfo = {
      tempDir,
      dns: { host: LOOPBACK, port: dns.port, server: dns.server, zones: dns.zones },
      faultyDns: {
        silent: { host: LOOPBACK, port: silent.port, server: silent.server },
        servfail: { host: LOOPBACK, port: servfail.port, server: servfail.server },
      },
      imap: { host: LOOPBACK, port: dovecot.imapPort },
      lmtp: { host: LOOPBACK, port: dovecot.lmtpPort },
      mx: { host: LOOPBACK, port: mx.port, hostname: mx.hostname },
      relays: Object.fromEntries(relays.map((relay) => [relay.info.name, relay.info])),
      seeds,
      domains: { ...DOMAINS },
      dkim: { domainName: DOMAINS.good, keySelector: 's1', privateKey },
      controlUrl: control.url,
      oauth2: {
        tokenUrl: oauth.tokenUrl,
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        refreshTokens: oauth.refreshTokens,
        revokedRefreshToken: oauth.revokedRefreshToken,
      },
    };
    return {
      info,
      setRecipientRule: (address, rule) => mx.setRecipientRule(address, rule),
      clearRecipientRule: (address) => mx.clearRecipientRule(address),
      clearRecipientRules: () => mx.clearRecipientRules(),
      deliveries: (address) => mx.deliveries(address),
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

/**
 * Like Promise.all, but waits for every start to finish first, so nothing that is still starting when
 * one fails escapes the clean-up.
 */
async function allStarted<T extends readonly unknown[]>(
  starts: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  await Promise.allSettled(starts);
  return Promise.all(starts);
}

function seedAccounts(count: number): SeedAccount[] {
  return Array.from({ length: count }, (_, i) => ({
    address: `seed${i + 1}@${DOMAINS.seeds}`,
    password: `seed${i + 1}-password`,
  }));
}
