// `npm run demo` / `inboxwatch demo`: a self-contained world (NSD with demo zones, Dovecot seed mailboxes,
// provider relays, a receiving MX) and a server configured against it, with alert rules notifying a webhook
// receiver of its own and a week of DMARC aggregate reports in its report folder. Every job runs at once and
// then on a short schedule. Ctrl-C stops everything it started.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../src/config/schema.js';
import { stderrLogger } from '../src/node/stderr-logger.js';
import { startServer } from '../src/node/server.js';
import { aggregateXml, gzip, type RecordSpec } from '../test/support/reports.js';
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

const DAY = 86_400_000;

/**
 * A week of daily aggregate reports for `domain`, ending yesterday: the signing provider passes, the one
 * without SPF or DKIM fails, and on the last day a source never seen before forges the domain.
 */
function writeAggregateReports(folder: string, domain: string, sources: { signed: string; unsigned: string }): void {
  mkdirSync(folder, { recursive: true });
  const today = Math.floor(Date.now() / DAY) * DAY;
  for (let back = 7; back >= 1; back--) {
    const begin = today - back * DAY;
    const records: RecordSpec[] = [
      { ip: sources.signed, count: 180 + back * 7, dkimResults: [{ domain, selector: 's1', result: 'pass' }] },
      { ip: sources.unsigned, count: 24 + back, dkim: 'fail', spf: 'fail', dkimResults: [], spfResults: [{ domain, result: 'fail' }] },
    ];
    if (back === 1) records.push({ ip: '203.0.113.66', count: 41, dkim: 'fail', spf: 'fail', dkimResults: [{ domain, selector: 'mail', result: 'fail' }], spfResults: [{ domain: 'forged.example', result: 'fail' }] });
    const xml = aggregateXml({ org: 'mailbox.example', reportId: `demo-${begin / 1000}`, domain, begin: String(begin / 1000), end: String((begin + DAY) / 1000 - 1), records });
    writeFileSync(join(folder, `mailbox.example!${domain}!${begin / 1000}!${(begin + DAY) / 1000 - 1}.xml.gz`), gzip(xml));
  }
}

/** Receives the demo's alert webhooks and prints one line per incident, so notifications are seen arriving. */
async function startWebhookReceiver(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      try {
        const payload = JSON.parse(body) as { alerts?: Array<{ status: string; title: string }> };
        for (const alert of payload.alerts ?? []) console.log(`webhook: ${alert.status} ${alert.title}`);
      } catch {
        console.log('webhook: a notification that is not JSON');
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/inboxwatch`, server };
}

/** A free loopback port, so the dashboard URL in notifications is known before the server starts. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
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
  const reportFolder = join(dir, 'reports');
  writeAggregateReports(reportFolder, world.info.domains.good, { signed: relay('good').sourceAddress, unsigned: relay('bad').sourceAddress });
  const hook = await startWebhookReceiver();
  // Any free port unless PORT says otherwise.
  const port = Number(process.env.PORT ?? 0) || (await freePort());
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
    reports: { address: `dmarc@${world.info.domains.good}`, folder: reportFolder },
    alerts: {
      allowPrivateUrls: true,
      dashboardUrl: `http://127.0.0.1:${port}`,
      channels: [{ name: 'demo-hook', type: 'webhook', url: hook.url }],
      rules: [
        { type: 'blocklist_listed', channels: ['demo-hook'], severity: 'critical' },
        { type: 'inbox_rate_below', threshold: 0.8, window: 3, minSamples: 2, channels: ['demo-hook'] },
        { type: 'auth_failing', channels: ['demo-hook'] },
        { type: 'dns_regression', channels: ['demo-hook'] },
        { type: 'probe_failing', channels: ['demo-hook'] },
        { type: 'dmarc_new_source', channels: ['demo-hook'], severity: 'critical' },
        { type: 'dmarc_pass_rate_below', threshold: 0.95, channels: ['demo-hook'] },
      ],
    },
    schedules: { placement: '*/3 * * * *', audit: '*/2 * * * *', blocklists: '* * * * *', reports: '*/5 * * * *' },
  });
  const server = await startServer({ ...config, server: { ...config.server, port } }, stderrLogger('warn'));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the server and the demo world…');
    await server.close(3_000).catch((error: Error) => console.error(error.message));
    hook.server.close();
    await world.stop().catch((error: Error) => console.error(error.message));
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  for (const job of ['audit', 'blocklists', 'placement', 'reports']) {
    const response = await fetch(`${server.url}/api/jobs/${job}/run`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 202) console.error(`could not start ${job}: HTTP ${response.status} ${await response.text()}`);
  }
  console.log(`
inboxwatch demo is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s).

  Dashboard: ${server.url}/
  Sign in:   ${server.url}/#token=${token}

Every job has started once; placement runs every 3 minutes, audits every 2, blocklists every minute,
and a week of DMARC reports is read from the report folder. The first placement test completes within
about half a minute; alerts fire as the facts arrive and their webhooks are printed here. Ctrl-C stops
everything.
`);
}

main().catch((error: unknown) => {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
