import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { jobTable } from '../../src/jobs/table.js';
import { loadConfig } from '../../src/node/config-file.js';
import { createNodeRuntime } from '../../src/node/root.js';
import { silentLogger } from '../../src/log.js';
import { openStore } from '../../src/node/sqlite-store.js';
import { runCli } from '../support/cli.js';
import { startDnsServer, type DnsServer } from '../world/dns-server.js';
import { world } from '../world/context.js';

const ZONES = fileURLToPath(new URL('../world/zones/', import.meta.url));

function freshDir(config = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'iw-audit-'));
  writeFileSync(join(dir, 'inboxwatch.yaml'), config);
  return dir;
}

const dnsEnv = (server = world().dns.server) => ({ INBOXWATCH_DNS_SERVERS: server });

interface JsonReport {
  domains: Array<{ domain: string; checks: Array<{ id: string; subject: string | null; status: string; message: string; remediation: string | null; evidence: unknown }>; records: Record<string, { name: string; records: string[] | null }> }>;
}

describe('inboxwatch audit', () => {
  it('prints a report grouped by area and exits 0 for a domain that passes', async () => {
    const result = await runCli(['audit', 'good.audit.test', '--selector', 's2048,ed', '--ip', '198.51.100.77'], { cwd: freshDir(), env: dnsEnv() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^good\.audit\.test — /);
    expect(result.stdout).toContain('  SPF\n    PASS spf.present');
    expect(result.stdout).toContain('PASS dkim.key [ed]');
    expect(result.stdout).toContain('PASS requirements.bulk_sender');
    expect(result.stdout).not.toContain('\x1b[');
  });

  it('prints JSON in the documented shape and exits 1 when a check fails', async () => {
    const result = await runCli(['audit', 'nodmarc.audit.test', 'spf-deep.audit.test', '--json'], { cwd: freshDir(), env: dnsEnv() });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.domains.map((d) => d.domain)).toEqual(['nodmarc.audit.test', 'spf-deep.audit.test']);
    const dmarc = report.domains[0]?.checks.find((c) => c.id === 'dmarc.present');
    expect(dmarc).toMatchObject({ status: 'fail', subject: null });
    expect(dmarc?.remediation).toContain('_dmarc.nodmarc.audit.test');
    expect(Object.keys(dmarc ?? {})).toEqual(['id', 'subject', 'status', 'message', 'remediation', 'evidence']);
    expect(report.domains[1]?.records.spf?.records).toEqual(['v=spf1 include:a.spf-deep.audit.test include:b.spf-deep.audit.test mx -all']);
  });

  it('gates on warnings only with --fail-on warn', async () => {
    const args = ['audit', 'dmarc-none.audit.test', '--selector', 's2048'];
    expect((await runCli(args, { cwd: freshDir(), env: dnsEnv() })).code).toBe(0);
    const strict = await runCli([...args, '--fail-on', 'warn'], { cwd: freshDir(), env: dnsEnv() });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain('WARN dmarc.policy');
  });

  it('reports malformed records of every type as findings of their own domain and audits the rest', async () => {
    const domains = ['bad-rua', 'bad-ruf', 'bad-spf', 'bad-dkim', 'good'].map((d) => `${d}.audit.test`);
    const result = await runCli(['audit', ...domains, '--selector', 'default', '--json'], { cwd: freshDir(), env: dnsEnv() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.domains.map((d) => d.domain)).toEqual(domains);
    const status = (domain: number, id: string) => report.domains[domain]?.checks.find((c) => c.id === id)?.status;
    for (const [i, id] of [[0, 'dmarc.syntax'], [1, 'dmarc.syntax'], [2, 'dmarc.syntax'], [2, 'spf.syntax'], [3, 'dmarc.syntax'], [3, 'dkim.key'], [3, 'tls_rpt.record']] as const) {
      expect(status(i, id), `${domains[i]} ${id}`).toBe('fail');
    }
    expect(report.domains[0]?.checks.find((c) => c.id === 'dmarc.syntax')?.message).toContain('"mailto:a%zz@example.com" is not a valid URI');
    expect(status(4, 'dmarc.policy')).toBe('pass');
  });

  it('exits 3 when DNS times out, reporting error rather than a verdict', async () => {
    const dir = freshDir('dns:\n  timeoutMs: 200\n  tries: 1\n');
    const result = await runCli(['audit', 'good.audit.test', '--json', '--no-discover'], { cwd: dir, env: dnsEnv(world().faultyDns.silent.server) });
    expect(result.code).toBe(3);
    const statuses = new Set(JSON.parse(result.stdout).domains[0].checks.map((c: { status: string }) => c.status));
    expect(statuses.has('error')).toBe(true);
    expect(statuses.has('pass') || statuses.has('fail')).toBe(false);
  });

  it('rejects bad usage with exit 2 and a message naming the flag', async () => {
    const failOn = await runCli(['audit', 'good.audit.test', '--fail-on', 'sometimes'], { cwd: freshDir(), env: dnsEnv() });
    expect(failOn.code).toBe(2);
    expect(failOn.stderr).toContain('--fail-on');
    const domain = await runCli(['audit', 'not a domain'], { cwd: freshDir(), env: dnsEnv() });
    expect(domain.code).toBe(2);
    expect(domain.stderr).toContain('"not a domain" is not a domain name');
    expect((await runCli(['audit', 'good.audit.test', '--ip', '999.1.1.1'], { cwd: freshDir(), env: dnsEnv() })).code).toBe(2);
    expect((await runCli(['audit'], { cwd: freshDir(), env: dnsEnv() })).code).toBe(2);
  });
});

describe('the audit job, snapshots, change events and the API', () => {
  const servers: DnsServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  /** A second NSD serving audit.test as it looks after someone edited good.audit.test's SPF and deleted its DMARC. */
  async function editedDns(): Promise<DnsServer> {
    const dir = mkdtempSync(join(tmpdir(), 'iw-audit-dns-'));
    const zones = join(dir, 'zones');
    mkdirSync(zones);
    const original = readFileSync(join(ZONES, 'audit.test.zone'), 'utf8');
    const edited = original
      .replace('"v=spf1 ip4:198.51.100.77 include:_spf.good.audit.test -all"', '"v=spf1 ip4:198.51.100.77 include:_spf.good.audit.test ~all"')
      .split('\n')
      .filter((line) => !line.startsWith('_dmarc.good '))
      .join('\n');
    expect(edited).not.toEqual(original);
    writeFileSync(join(zones, 'audit.test.zone'), edited);
    copyFileSync(join(ZONES, 'test.zone'), join(zones, 'test.zone'));
    const server = await startDnsServer(join(dir, 'nsd'), zones);
    servers.push(server);
    return server;
  }

  it('stores audits, records a change event when a record set changes, and serves them over the API', async () => {
    const dir = freshDir(
      ['database: ./audit.db', 'dns:', '  timeoutMs: 300', '  tries: 1', 'domains:', '  - name: good.audit.test', '    dkimSelectors: [s2048]', 'audit:', '  discoverSelectors: false', ''].join('\n'),
    );
    const first = await runCli(['run', 'audit', '--json'], { cwd: dir, env: dnsEnv() });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).run.summary).toMatch(/^1 domain audited, \d+ findings?, 0 checks undetermined, 0 record changes$/);

    const edited = await editedDns();
    const second = await runCli(['run', 'audit', '--json'], { cwd: dir, env: dnsEnv(edited.server) });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).run.summary).toMatch(/, 2 record changes$/);

    // A DNS outage must not read as every record having been removed.
    const third = await runCli(['run', 'audit', '--json'], { cwd: dir, env: dnsEnv(world().faultyDns.silent.server) });
    expect(third.code).toBe(0);
    expect(JSON.parse(third.stdout).run.summary).toMatch(/, [1-9]\d* checks? undetermined, 0 record changes$/);

    const { config } = loadConfig({ cwd: dir, env: {} });
    const db = await openStore(config.database);
    try {
      const token = 'audit-viewer-token-0123456789';
      const app = createApp({ db, tokens: [{ name: 'viewer', token, role: 'viewer' }], jobs: jobTable(config, createNodeRuntime(config).jobs), log: silentLogger });
      const get = async (path: string) => {
        const response = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };

      const domains = await get('/api/domains');
      expect(domains.status).toBe(200);
      expect(domains.body.domains).toMatchObject([{ domain: 'good.audit.test', audits: 3, lastAudit: { worst: 'error' } }]);

      const audits = await get('/api/domains/good.audit.test/audits');
      const list = audits.body.audits as Array<{ startedAt: number; worst: string; checks: Array<{ id: string; status: string }> }>;
      expect(list).toHaveLength(3);
      expect(list[1]?.checks.find((c) => c.id === 'dmarc.present')?.status).toBe('fail');
      expect(list[2]?.checks.find((c) => c.id === 'dmarc.present')?.status).toBe('pass');
      const since = list[1]?.startedAt as number;
      expect(((await get(`/api/domains/good.audit.test/audits?from=${since}`)).body.audits as unknown[]).length).toBe(2);

      const changes = (await get('/api/domains/good.audit.test/changes')).body.changes as Array<Record<string, unknown>>;
      expect(changes.map((c) => [c.kind, c.change]).sort()).toEqual([
        ['dmarc', 'removed'],
        ['spf', 'changed'],
      ]);
      const spf = changes.find((c) => c.kind === 'spf');
      expect(spf).toMatchObject({
        name: 'good.audit.test',
        added: ['v=spf1 ip4:198.51.100.77 include:_spf.good.audit.test ~all'],
        removed: ['v=spf1 ip4:198.51.100.77 include:_spf.good.audit.test -all'],
      });

      const bad = await get('/api/domains/good.audit.test/audits?from=soon');
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatch(/^from:/);
      expect((await get('/api/domains/not_a..domain/changes')).status).toBe(400);
      expect((await app.request('/api/domains')).status).toBe(401);
    } finally {
      await db.close();
    }
  });
});
