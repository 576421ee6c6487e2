import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkApiContract } from '../support/api-contract.js';
import { aggregateXml, gzip, zip, zipBomb } from '../support/reports.js';
import { CLI, startServe, type ServeProcess } from '../support/cli.js';
import { migrateLocalD1, startWorker, type WorkerProcess } from '../support/worker.js';
import { startDoh, type DohServer } from '../world/doh.js';
import { world } from '../world/context.js';

const ADMIN = 'worker-admin-token-0123456789';
const VIEWER = 'worker-viewer-token-0123456789';
const DOMAINS = ['spf-deep.audit.test', 'nodmarc.audit.test', 'dmarc-none.audit.test'];
const TARGETS = ['192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'];

interface DomainSummary {
  domain: string;
  checks?: Array<{ id: string; status: string }>;
}

/** A configuration as a team keeps it: with seeds and passwords, which a push must leave behind. */
function configYaml(dnsServer: string): string {
  return [
    'dns:',
    `  servers: ["${dnsServer}"]`,
    '  timeoutMs: 1000',
    'providers:',
    '  - { name: acme, from: "probe@acme.test", smtp: { host: relay.acme.test, user: probe, pass: "${ACME_PASS}" }, ips: [192.0.2.5] }',
    'seeds:',
    '  - { address: seed@example.test, imap: { host: imap.example.test, user: seed, pass: "${SEED_PASS}" } }',
    `domains: [${DOMAINS.map((name) => `{ name: ${name} }`).join(', ')}]`,
    'blocklists:',
    `  ips: [${TARGETS.join(', ')}]`,
    '  zones: [zen.spamhaus.org]',
    '',
  ].join('\n');
}

const run = promisify(execFile);

describe('the Workers runtime in workerd (wrangler dev --local, local D1)', () => {
  let doh: DohServer;
  let worker: WorkerProcess;
  let state: string;
  const vars = () => ({ INBOXWATCH_ADMIN_TOKEN: ADMIN, INBOXWATCH_VIEWER_TOKENS: `dash:${VIEWER}`, INBOXWATCH_DOH_URL: `${doh.url}/dns-query` });
  const api = (path: string, init: RequestInit = {}, token = ADMIN) =>
    fetch(`${worker.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });

  beforeAll(async () => {
    doh = await startDoh(world().dns.server);
    state = mkdtempSync(join(tmpdir(), 'iw-worker-'));
    await migrateLocalD1(state);
    worker = await startWorker({ state, vars: vars() });
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
    await doh?.stop();
  });

  it('keeps the API contract the Node server keeps', async () => {
    await checkApiContract({ url: worker.url, adminToken: ADMIN, viewerToken: VIEWER });
  });

  it('takes a configuration from `inboxwatch config push`, leaving the secrets behind, and keeps its versions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iw-push-'));
    writeFileSync(join(dir, 'inboxwatch.yaml'), configYaml(world().dns.server));
    const env = { ...process.env, ACME_PASS: 'acme-secret-password', SEED_PASS: 'seed-secret-password' };
    const pushed = await run(process.execPath, [CLI, 'config', 'push', '--server', worker.url, '--token', ADMIN], { cwd: dir, env });
    expect(pushed.stdout).toMatch(/pushed to http:\/\/127\.0\.0\.1:\d+ as version 1/);

    const current = (await (await api('/api/config')).json()) as { version: number; pushedBy: string; yaml: string };
    expect(current).toMatchObject({ version: 1, pushedBy: 'admin' });
    for (const name of DOMAINS) expect(current.yaml).toContain(name);
    expect(current.yaml).not.toMatch(/secret-password|seed@example\.test|imap\.example\.test|user: probe/);

    const jobs = (await (await api('/api/jobs')).json()) as { jobs: Array<{ name: string; schedule: string | null }> };
    expect(jobs.jobs.find((job) => job.name === 'audit')?.schedule).toBe('15 * * * *');
  });

  it('refuses a pushed configuration that is invalid, holds secrets, or comes from a viewer, and stores none of them', async () => {
    const invalid = await api('/api/config', { method: 'PUT', body: 'domains:\n  - { name: "not a domain" }\n' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { detail: string }).detail).toMatch(/pushed configuration:2:\d+: domains\[0\]\.name/);

    const secrets = await api('/api/config', { method: 'PUT', body: 'blocklists:\n  dqsKey: abcdefghijklmnopqrstuvwxyz\n' });
    expect(secrets.status).toBe(400);
    expect(((await secrets.json()) as { error: string }).error).toContain('blocklists.dqsKey');

    expect((await api('/api/config', { method: 'PUT', body: 'domains: []\n' }, VIEWER)).status).toBe(403);
    expect((await api('/api/config', {}, VIEWER)).status).toBe(403);
    const versions = (await (await api('/api/config/versions')).json()) as { versions: Array<{ id: number }> };
    expect(versions.versions.map((v) => v.id)).toEqual([1]);
  });

  it('runs the audit on its Cron Trigger through DNS over HTTPS, with the verdicts the Node runtime reaches', async () => {
    await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('15 * * * *')}`);
    const audited = await poll(async () => {
      const { domains } = (await (await api('/api/domains')).json()) as { domains: DomainSummary[] };
      return domains.length === DOMAINS.length ? domains : undefined;
    }, worker.log);
    expect(audited.map((d) => d.domain).sort()).toEqual([...DOMAINS].sort());

    const node = await run(process.execPath, [CLI, 'audit', ...DOMAINS, '--json'], {
      cwd: tmpdir(),
      env: { ...process.env, INBOXWATCH_DNS_SERVERS: world().dns.server },
    }).catch((error: { stdout: string }) => error);
    const nodeReport = JSON.parse(node.stdout) as { domains: Array<{ domain: string; checks: Array<{ id: string; subject: string | null; status: string }> }> };
    for (const domain of DOMAINS) {
      const audits = (await (await api(`/api/domains/${domain}/audits?limit=1`)).json()) as { audits: Array<{ checks: Array<{ id: string; subject: string | null; status: string }> }> };
      const onWorker = (audits.audits[0]?.checks ?? []).map((c) => `${c.id} ${c.subject ?? ''} ${c.status}`).sort();
      const onNode = (nodeReport.domains.find((d) => d.domain === domain)?.checks ?? []).map((c) => `${c.id} ${c.subject ?? ''} ${c.status}`).sort();
      expect(onWorker.length, domain).toBeGreaterThan(5);
      expect(onWorker, domain).toEqual(onNode);
    }
  });

  it('takes a DMARC report upload: gzip opened, XML parsed, stored once, its source looked up over DNS over HTTPS', async () => {
    const report = gzip(aggregateXml({ reportId: 'worker-1', records: [{ ip: '203.0.113.7', count: 9 }] }));
    const first = await api('/api/reports?name=worker-1.xml.gz', { method: 'POST', body: report });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ files: [{ file: 'worker-1.xml.gz', status: 'stored', kind: 'aggregate', records: 1, messages: 9 }] });
    expect(await (await api('/api/reports', { method: 'POST', body: zip('w.xml', aggregateXml({ reportId: 'worker-1', records: [{ ip: '203.0.113.7', count: 9 }] })) })).json()).toMatchObject({ files: [{ status: 'duplicate' }] });
    expect((await api('/api/reports', { method: 'POST', body: zipBomb(16) })).status).toBe(422);
    const view = (await (await api('/api/reports/sources?domain=reports.test&from=0')).json()) as { sources: Array<{ ip: string; provider: string; fcrdns: boolean }> };
    expect(view.sources).toEqual([expect.objectContaining({ ip: '203.0.113.7', provider: 'Amazon SES', fcrdns: true })]);
    // The reports view's other calls, on D1: the domain picker and the daily pass rate.
    expect(await (await api('/api/reports/domains?from=0')).json()).toMatchObject({ domains: [{ domain: 'reports.test', aggregateReports: 1, tlsReports: 0, messages: 9, passed: 9 }] });
    expect(await (await api('/api/reports/daily?domain=reports.test&from=0')).json()).toMatchObject({ days: [{ day: Date.UTC(2026, 0, 1), messages: 9, passed: 9 }] });
  }, 60_000);

  it('sweeps the blocklists on its Cron Trigger and keeps everything across a restart', async () => {
    await fetch(`${worker.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('*/30 * * * *')}`);
    const sweep = await poll(async () => {
      const { runs } = (await (await api('/api/runs?job=blocklists')).json()) as { runs: Array<{ status: string; error: string | null }> };
      return runs.find((r) => r.status !== 'running');
    }, worker.log);
    expect(sweep).toMatchObject({ status: 'ok' });
    const { targets, cells } = (await (await api('/api/blocklists')).json()) as { targets: string[]; cells: string[][] };
    // Three of four newly listed at once: held as suspect for a sweep, as on Node.
    expect(targets.map((t, i) => `${t} ${cells[i]?.join()}`)).toEqual(['192.0.2.2 suspect', '192.0.2.3 suspect', '192.0.2.4 suspect', '192.0.2.5 clean']);

    const before = (await (await api('/api/runs')).json()) as { runs: Array<{ id: number; job: string; status: string }> };
    await worker.stop();
    worker = await startWorker({ state, vars: vars() });
    const after = (await (await api('/api/runs')).json()) as { runs: Array<{ id: number; job: string; status: string }> };
    expect(after.runs).toEqual(before.runs);
    expect(after.runs.map((r) => `${r.job} ${r.status}`).sort()).toEqual(['audit ok', 'blocklists ok']);
    expect(((await (await api('/api/config')).json()) as { version: number }).version).toBe(1);
  }, 120_000);
});

describe('the Node server', () => {
  let server: ServeProcess;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iw-contract-node-'));
    writeFileSync(
      join(dir, 'inboxwatch.yaml'),
      `server:\n  tokens:\n    - { name: admin, token: "${ADMIN}", role: admin }\n    - { name: dash, token: "${VIEWER}", role: viewer }\n`,
    );
    server = await startServe({ cwd: dir });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps the API contract the Worker keeps', async () => {
    await checkApiContract({ url: server.url, adminToken: ADMIN, viewerToken: VIEWER });
  });
});

async function poll<T>(probe: () => Promise<T | undefined>, log: () => string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the Worker; its log ends:\n${log().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
