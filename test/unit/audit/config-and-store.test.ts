import { describe, expect, it } from 'vitest';
import { listAudits, listChanges, pruneAudits, saveAudit } from '../../../src/audit/store.js';
import { targetFor } from '../../../src/audit/targets.js';
import { check, type DomainAudit } from '../../../src/audit/types.js';
import { ConfigError } from '../../../src/config/errors.js';
import { parseConfigText } from '../../../src/config/parse.js';
import { migrate } from '../../../src/node/sqlite-migrate.js';
import { openSqlite } from '../../../src/node/sqlite-store.js';

describe('audit configuration', () => {
  it('has defaults and accepts the audit keys', () => {
    expect(parseConfigText('', 'inboxwatch.yaml', {}).audit).toEqual({ discoverSelectors: true, concurrency: 4, policyTimeout: 10_000, allowPrivateAddresses: false });
    const config = parseConfigText('audit: { discoverSelectors: false, concurrency: 8, policyTimeout: 5s, allowPrivateAddresses: true }\nretention: { audits: 30d }\n', 'inboxwatch.yaml', {});
    expect(config.audit).toEqual({ discoverSelectors: false, concurrency: 8, policyTimeout: 5000, allowPrivateAddresses: true });
    expect(config.retention.audits).toBe(30 * 86_400_000);
  });

  it('names the file, line and key of a bad audit setting', () => {
    const error = (() => {
      try {
        parseConfigText('dns: { timeoutMs: 500 }\naudit:\n  concurrency: 0\n', 'inboxwatch.yaml', {});
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/inboxwatch\.yaml:3.*audit\.concurrency/);
  });

  it('collects selectors and sending IPs for a domain from domains[] and providers[]', () => {
    const config = parseConfigText(
      [
        'domains: [{ name: acme.example, dkimSelectors: [s1] }]',
        'providers:',
        '  - { name: esp, smtp: { host: smtp.example.net }, from: "News <news@mail.acme.example>", ips: [192.0.2.20], dkim: { domain: acme.example, selector: esp1, privateKeyFile: k.pem } }',
        '  - { name: other, smtp: { host: smtp.example.org }, from: a@other.example, ips: [192.0.2.30] }',
      ].join('\n'),
      'inboxwatch.yaml',
      {},
    );
    expect(targetFor(config, 'ACME.example.', { selectors: ['cli'] })).toEqual({ domain: 'acme.example', selectors: ['s1', 'esp1', 'cli'], sendingIps: ['192.0.2.20'] });
    expect(targetFor(config, 'acme.example', { ips: ['198.51.100.1'] }).sendingIps).toEqual(['198.51.100.1']);
  });
});

describe('audit store', () => {
  const audit = (at: number, spf: string[] | null): DomainAudit => ({
    domain: 'example.com',
    startedAt: at,
    finishedAt: at + 10,
    checks: [check('spf.present', spf && spf.length > 0 ? 'pass' : 'fail', 'm', { remediation: 'fix', evidence: { records: spf ?? [] } })],
    records: { spf: { name: 'example.com', records: spf } },
  });

  it('keeps one snapshot per distinct record set, records changes, and prunes audits with their checks', async () => {
    const db = openSqlite(':memory:');
    await migrate(db);
    expect((await saveAudit(db, audit(1000, ['v=spf1 -all']))).changes).toEqual([]);
    expect((await saveAudit(db, audit(2000, ['v=spf1 -all']))).changes).toEqual([]);
    expect((await saveAudit(db, audit(3000, null))).changes).toEqual([]);
    const changed = await saveAudit(db, audit(4000, ['v=spf1 ~all']));
    expect(changed.changes.map((c) => c.change)).toEqual(['changed']);
    expect(await db.all('SELECT records, first_seen_at, last_seen_at FROM dns_snapshots ORDER BY id')).toEqual([
      { records: '["v=spf1 -all"]', first_seen_at: 1010, last_seen_at: 2010 },
      { records: '["v=spf1 ~all"]', first_seen_at: 4010, last_seen_at: 4010 },
    ]);
    expect((await listChanges(db, { domain: 'example.com', limit: 10 }))[0]).toMatchObject({ kind: 'spf', change: 'changed', added: ['v=spf1 ~all'], removed: ['v=spf1 -all'], observedAt: 4010 });
    expect((await listAudits(db, 'example.com', { from: 2000, to: 4000, limit: 10 })).map((a) => a.startedAt)).toEqual([3000, 2000]);

    expect(await pruneAudits(db, 2500)).toBe(2);
    expect(await db.first('SELECT COUNT(*) AS n FROM audit_checks')).toEqual({ n: 2 });
    expect(await listChanges(db, { limit: 10 })).toHaveLength(1);
    await db.close();
  });
});
