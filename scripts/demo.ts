// `npm run demo` / `inboxwatch demo`: a self-contained world (NSD with demo zones, Dovecot seed mailboxes,
// provider relays, a receiving MX) and a server configured against it, every job run at once and then on a
// short schedule. Ctrl-C stops everything it started.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../src/config/schema.js';
import { stderrLogger } from '../src/node/stderr-logger.js';
import { startServer } from '../src/node/server.js';
import { startWorld } from '../test/world/index.js';

/** What the world runs, from Debian: an authoritative DNS server and Dovecot with LMTP and Sieve. */
const PACKAGES = ['nsd', 'dovecot-imapd', 'dovecot-lmtpd', 'dovecot-sieve'];
const WEB_INDEX = fileURLToPath(new URL('../web/dist/index.html', import.meta.url));

function missingPackages(): string[] {
  return PACKAGES.filter((pkg) => {
    const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return !(result.stdout ?? '').includes('install ok installed');
  });
}

/** Installs what is missing when we are root with apt; otherwise says exactly what to run. */
function ensurePackages(): void {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) {
    console.error(`The demo runs its own DNS server and mailboxes and needs these Debian packages: ${missing.join(', ')}.\nInstall them with:\n\n  sudo ${command}\n`);
    process.exit(1);
  }
  console.log(`Installing ${missing.join(', ')} with apt-get…`);
  // The packages must not start system-wide daemons; the demo starts its own on loopback.
  const guard = '/usr/sbin/policy-rc.d';
  const placed = !existsSync(guard);
  if (placed) writeFileSync(guard, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
      if (spawnSync('apt-get', args, { stdio: 'inherit', env }).status !== 0) throw new Error(`apt-get ${args.join(' ')} failed; run: sudo ${command}`);
    }
  } finally {
    if (placed) rmSync(guard);
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  ensurePackages();
  if (!existsSync(WEB_INDEX)) {
    console.error('The dashboard is not built: run `npm run demo` (which builds it) or `npm run build` first.');
    process.exit(1);
  }
  const world = await startWorld();
  const dir = mkdtempSync(join(tmpdir(), 'inboxwatch-demo-'));
  const keyFile = join(dir, 'dkim-s1.pem');
  writeFileSync(keyFile, world.info.dkim.privateKey, { mode: 0o600 });
  const token = randomBytes(24).toString('base64url');
  const relay = (name: string) => {
    const r = world.info.relays[name];
    if (!r) throw new Error(`the world has no relay ${name}`);
    return r;
  };
  const provider = (name: string, relayName: string, from: string, sign: boolean) => {
    const r = relay(relayName);
    return {
      name,
      smtp: { host: r.host, port: r.port, secure: false, user: r.user, pass: r.password },
      from,
      ips: [r.sourceAddress],
      ...(sign ? { dkim: { domain: world.info.domains.good, selector: 's1', privateKeyFile: keyFile } } : {}),
    };
  };
  const mailboxProviders = ['gmail', 'outlook', 'yahoo', 'icloud'] as const;
  const config = configSchema.parse({
    server: { host: '127.0.0.1', tokens: [{ name: 'demo', token, role: 'admin' }] },
    database: join(dir, 'inboxwatch.db'),
    dns: { servers: [world.info.dns.server], timeoutMs: 1000, tries: 2 },
    providers: [
      provider('acme-esp', 'good', `News <news@${world.info.domains.good}>`, true),
      provider('postbox', 'bad', `News <news@${world.info.domains.bad}>`, false),
      provider('slowmail', 'slow', `News <news@${world.info.domains.good}>`, true),
    ],
    seeds: world.info.seeds.map((seed, i) => ({
      address: seed.address,
      mailboxProvider: mailboxProviders[i % mailboxProviders.length],
      imap: { host: world.info.imap.host, port: world.info.imap.port, secure: false, user: seed.address, pass: seed.password },
    })),
    domains: [
      { name: world.info.domains.good, dkimSelectors: ['s1'] },
      { name: world.info.domains.bad },
      { name: 'good.audit.test' },
      { name: 'nodmarc.audit.test' },
      { name: 'dmarc-none.audit.test' },
    ],
    blocklists: {
      ips: ['192.0.2.2', '198.51.100.2', '192.0.2.5'],
      domains: [world.info.domains.good],
      zones: ['zen.spamhaus.org', 'bl.spamcop.net', 'b.barracudacentral.org', 'psbl.surriel.com', 'dbl.spamhaus.org'],
    },
    placement: { timeout: '30s', lateAfter: '15s', pollInterval: '1s' },
    schedules: { placement: '*/3 * * * *', audit: '*/2 * * * *', blocklists: '* * * * *' },
  });
  // Any free port unless PORT says otherwise (the configuration itself only takes real port numbers).
  const port = Number(process.env.PORT ?? 0);
  const server = await startServer({ ...config, server: { ...config.server, port } }, stderrLogger('warn'));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the server and the demo world…');
    await server.close(3_000).catch((error: Error) => console.error(error.message));
    await world.stop().catch((error: Error) => console.error(error.message));
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  for (const job of ['audit', 'blocklists', 'placement']) {
    const response = await fetch(`${server.url}/api/jobs/${job}/run`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 202) console.error(`could not start ${job}: HTTP ${response.status} ${await response.text()}`);
  }
  console.log(`
inboxwatch demo is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s).

  Dashboard: ${server.url}/
  Sign in:   ${server.url}/#token=${token}

Every job has started once; placement runs every 3 minutes, audits every 2, blocklists every minute.
The first placement test completes within about half a minute. Ctrl-C stops everything.
`);
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
