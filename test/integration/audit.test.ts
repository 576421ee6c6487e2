import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DKIM_IDS } from '../../src/audit/dkim.js';
import { DMARC_IDS } from '../../src/audit/dmarc.js';
import { createHttpsPolicyFetcher } from '../../src/node/mta-sts-https.js';
import { MTA_STS_IDS } from '../../src/audit/mta-sts.js';
import { MX_IDS } from '../../src/audit/mx.js';
import { auditDomain, type AuditTarget } from '../../src/audit/audit-domains.js';
import { SPF_IDS } from '../../src/audit/spf.js';
import type { Check, CheckStatus, DomainAudit } from '../../src/audit/types.js';
import { createMailauthToolkit } from '../../src/node/mailauth-audit.js';
import { resolverForRun } from '../../src/node/run-resolver.js';
import { AUDIT_CA, startPolicyServer, type PolicyServer } from '../support/mta-sts-server.js';
import { world } from '../world/context.js';

const ALL_IDS = [...SPF_IDS, ...DKIM_IDS, ...DMARC_IDS, ...MX_IDS, ...MTA_STS_IDS, 'tls_rpt.record', 'bimi.record', 'ptr.fcrdns', 'requirements.bulk_sender'];

const policies: Record<string, string> = {
  'mta-sts.sts-good.audit.test': 'version: STSv1\nmode: enforce\nmx: mx.sts-good.audit.test\nmax_age: 604800\n',
  'mta-sts.sts-mismatch.audit.test': 'version: STSv1\nmode: enforce\nmx: mx.elsewhere.example.net\nmax_age: 604800\n',
  'mta-sts.sts-testing.audit.test': 'version: STSv1\nmode: testing\nmx: *.sts-testing.audit.test\nmax_age: 3600\n',
  'mta-sts.sts-invalid.audit.test': 'version: STSv1\nmode: sometimes\nmax_age: 604800\n',
};

let server: PolicyServer;
const toolkit = createMailauthToolkit();
/** Every status each check id reached across the scenarios, to prove both outcomes are exercised. */
const seen = new Map<string, Set<CheckStatus>>();

beforeAll(async () => {
  server = await startPolicyServer((host) => (policies[host] ? { status: 200, body: policies[host] } : { status: 404, body: 'no policy here' }));
});
afterAll(async () => {
  await server.close();
});

function resolver(dnsServer = world().dns.server, timeoutMs = 2000) {
  return resolverForRun({ servers: [dnsServer], timeoutMs, tries: 1, cacheMaxTtl: 60_000 });
}

/** The test world lives on loopback, so the fetch is allowed private addresses unless a test says otherwise. */
async function audit(domain: string, options: Partial<AuditTarget> & { dnsServer?: string; timeoutMs?: number; allowPrivateAddresses?: boolean } = {}): Promise<DomainAudit> {
  const r = resolver(options.dnsServer, options.timeoutMs);
  const fetchPolicy = createHttpsPolicyFetcher({ resolver: r, timeoutMs: 3000, port: server.port, ca: AUDIT_CA, allowPrivateAddresses: options.allowPrivateAddresses ?? true });
  const result = await auditDomain({ domain, selectors: options.selectors ?? [], sendingIps: options.sendingIps ?? [] }, { resolver: r, fetchPolicy, discoverSelectors: true, now: Date.now, toolkit });
  for (const c of result.checks) {
    if (!seen.has(c.id)) seen.set(c.id, new Set());
    seen.get(c.id)?.add(c.status);
  }
  return result;
}

const find = (a: DomainAudit, id: string, subject?: string): Check => {
  const found = a.checks.find((c) => c.id === id && (subject === undefined || c.subject === subject));
  if (!found) throw new Error(`no ${id}${subject ? ` [${subject}]` : ''} in ${a.domain}: ${a.checks.map((c) => c.id).join(', ')}`);
  return found;
};
const statusOf = (a: DomainAudit, id: string, subject?: string) => find(a, id, subject).status;

describe('domain audit against the test world DNS', () => {
  it('passes a well-configured domain on every check', async () => {
    const a = await audit('good.audit.test', { selectors: ['s2048', 'ed'], sendingIps: ['198.51.100.77'] });
    const notPassing = a.checks.filter((c) => c.status !== 'pass' && c.status !== 'info');
    expect(notPassing).toEqual([]);
    expect(a.checks.filter((c) => c.id === 'dkim.key').map((c) => c.subject)).toEqual(['s2048', 'ed']);
    expect(find(a, 'ptr.fcrdns', '198.51.100.77').message).toBe('198.51.100.77 → mail.good.audit.test → 198.51.100.77');
    expect(a.records.spf).toEqual({ name: 'good.audit.test', records: ['v=spf1 ip4:198.51.100.77 include:_spf.good.audit.test -all'] });
    for (const id of ALL_IDS.filter((id) => !id.startsWith('mta_sts'))) expect(a.checks.some((c) => c.id === id), id).toBe(true);
  });

  it('fails an SPF tree over 10 lookups through nested includes and shows per-branch counts', async () => {
    const check = find(await audit('spf-deep.audit.test'), 'spf.lookups');
    expect(check.status).toBe('fail');
    expect(check.evidence.total).toBe(11);
    expect(check.message).toContain('├─ include:a.spf-deep.audit.test (5 lookups)');
    expect(check.message).toContain('└─ include:b1.spf-deep.audit.test (3 lookups)');
    expect(check.remediation).toMatch(/flatten/);
  });

  it('fails two SPF records, +all, three void includes, bad syntax and loops; warns on ptr, ?all and size', async () => {
    expect(statusOf(await audit('spf-double.audit.test'), 'spf.single')).toBe('fail');
    const plusAll = await audit('spf-plusall.audit.test');
    expect(statusOf(plusAll, 'spf.all')).toBe('fail');
    expect(statusOf(plusAll, 'spf.ptr')).toBe('warn');
    const voids = find(await audit('spf-void.audit.test'), 'spf.void_lookups');
    expect(voids).toMatchObject({ status: 'fail', evidence: { voids: 3, names: ['gone1.audit.test', 'gone2.audit.test', 'gone3.audit.test'] } });
    const syntax = find(await audit('spf-syntax.audit.test'), 'spf.syntax');
    expect(syntax.status).toBe('fail');
    expect(syntax.message).toContain('/33 is out of range');
    expect(syntax.message).toContain('foo:bar');
    expect(find(await audit('spf-loop.audit.test'), 'spf.lookups').message).toContain('loops');
    expect(statusOf(await audit('spf-neutral.audit.test'), 'spf.all')).toBe('warn');
    const long = find(await audit('spf-long.audit.test'), 'spf.size');
    expect(long.status).toBe('warn');
    expect(long.evidence.bytes as number).toBeGreaterThan(450);
  });

  it('fails a domain with no DMARC record anywhere on the RFC 9989 tree walk', async () => {
    const a = await audit('nodmarc.audit.test');
    const present = find(a, 'dmarc.present');
    expect(present.status).toBe('fail');
    expect(present.message).toContain('_dmarc.nodmarc.audit.test, _dmarc.audit.test, _dmarc.test');
    expect(statusOf(a, 'spf.present')).toBe('fail');
    expect(statusOf(a, 'dkim.found')).toBe('fail');
    expect(find(a, 'mx.present')).toMatchObject({ status: 'warn', evidence: { implicit: ['192.0.2.10'] } });
    expect(statusOf(a, 'requirements.bulk_sender')).toBe('fail');
  });

  it('warns on p=none with the path to enforcement and on a missing rua', async () => {
    const a = await audit('dmarc-none.audit.test', { selectors: ['s2048'] });
    expect(find(a, 'dmarc.policy')).toMatchObject({ status: 'warn' });
    expect(find(a, 'dmarc.policy').remediation).toMatch(/p=quarantine.*p=reject/);
    expect(statusOf(a, 'dmarc.rua')).toBe('warn');
    expect(a.checks.filter((c) => c.status === 'fail' || c.status === 'error')).toEqual([]);
  });

  it('inherits a parent record through the tree walk and applies its sp=', async () => {
    const a = await audit('sub.inherit.audit.test');
    expect(find(a, 'dmarc.present').message).toContain('inherited from _dmarc.inherit.audit.test');
    expect(find(a, 'dmarc.policy').evidence.effective).toBe('quarantine');
  });

  it('fails duplicate and malformed DMARC records; warns on test mode, pct and extra rua URIs', async () => {
    expect(statusOf(await audit('dmarc-double.audit.test'), 'dmarc.single')).toBe('fail');
    expect(statusOf(await audit('dmarc-syntax.audit.test'), 'dmarc.syntax')).toBe('fail');
    const testing = find(await audit('dmarc-testing.audit.test'), 'dmarc.policy');
    expect(testing.status).toBe('warn');
    expect(testing.message).toContain('pct=50 was removed by RFC 9989');
    const many = find(await audit('rua-many.audit.test'), 'dmarc.rua');
    expect(many.status).toBe('warn');
    expect(many.message).toContain('!size');
  });

  it('checks the authorization record of an external rua destination', async () => {
    const authorized = find(await audit('rua-ext.audit.test'), 'dmarc.external_rua');
    expect(authorized.status).toBe('pass');
    expect(authorized.message).toContain('reports.audit.test');
    const missing = find(await audit('rua-noauth.audit.test'), 'dmarc.external_rua');
    expect(missing.status).toBe('warn');
    expect(missing.message).toContain('rua-noauth.audit.test._report._dmarc.reports.audit.test');
  });

  it('judges DKIM keys: 1024-bit warns, 512-bit, revoked and broken fail, t=y warns', async () => {
    const a = await audit('dkim.audit.test', { selectors: ['k1024', 'k512', 'revoked', 'broken', 'testing'] });
    expect(a.checks.filter((c) => c.id === 'dkim.key').map((c) => [c.subject, c.status])).toEqual([
      ['k1024', 'warn'],
      ['k512', 'fail'],
      ['revoked', 'fail'],
      ['broken', 'fail'],
      ['testing', 'pass'],
    ]);
    expect(find(a, 'dkim.key', 'revoked').message).toContain('revoked');
    expect(find(a, 'dkim.key', 'k1024').evidence.bits).toBe(1024);
    expect(statusOf(a, 'dkim.testing')).toBe('warn');
    // The configured selector "revoked" holds no usable key.
    expect(find(a, 'dkim.found')).toMatchObject({ status: 'fail', message: expect.stringContaining('revoked._domainkey.dkim.audit.test (revoked: empty p=)') });
    const onlyRevoked = await audit('dkim-revoked.audit.test');
    expect(find(onlyRevoked, 'dkim.found')).toMatchObject({ status: 'fail', message: expect.stringContaining('only revoke their keys') });
    const noK = await audit('dkim-nok.audit.test', { selectors: ['ed'] });
    expect(find(noK, 'dkim.key', 'ed')).toMatchObject({ status: 'fail', message: expect.stringContaining('k defaults to rsa') });
  });

  it('recognises a null MX, fails a domain that cannot receive and an MX host that does not resolve', async () => {
    expect(find(await audit('spf-double.audit.test'), 'mx.present').message).toContain('no MX and no address record');
    expect(find(await audit('nullmx.audit.test'), 'mx.present').message).toContain('null MX (RFC 7505)');
    expect(statusOf(await audit('mx-dangling.audit.test'), 'mx.hosts')).toBe('fail');
  });

  it('fetches MTA-STS policies over HTTPS and judges them against the MX hosts', async () => {
    const good = await audit('sts-good.audit.test');
    expect([statusOf(good, 'mta_sts.record'), statusOf(good, 'mta_sts.policy'), statusOf(good, 'tls_rpt.record')]).toEqual(['pass', 'pass', 'pass']);
    expect(good.records.mta_sts_policy?.records).toContain('mode: enforce');
    expect(find(await audit('sts-mismatch.audit.test'), 'mta_sts.policy').message).toContain('mx.sts-mismatch.audit.test matches no mx: pattern');
    expect(statusOf(await audit('sts-testing.audit.test'), 'mta_sts.policy')).toBe('warn');
    expect(statusOf(await audit('sts-invalid.audit.test'), 'mta_sts.policy')).toBe('fail');
    expect(find(await audit('sts-missing.audit.test'), 'mta_sts.policy').message).toContain('HTTP 404');
    const badCert = find(await audit('sts-badcert.audit.test'), 'mta_sts.policy');
    expect(badCert).toMatchObject({ status: 'fail', evidence: { failure: 'tls' } });
    expect(find(await audit('sts-nohost.audit.test'), 'mta_sts.policy')).toMatchObject({ status: 'fail', evidence: { failure: 'no_address' } });
    expect(statusOf(await audit('sts-noid.audit.test'), 'mta_sts.record')).toBe('fail');
  });

  it('fails an invalid TLS-RPT record and BIMI without DMARC enforcement', async () => {
    expect(statusOf(await audit('tlsrpt-bad.audit.test'), 'tls_rpt.record')).toBe('fail');
    const bimi = find(await audit('bimi-lax.audit.test'), 'bimi.record');
    expect(bimi.status).toBe('fail');
    expect(bimi.message).toContain('DMARC policy is none');
  });

  it('reads invalid sp=/np= as no enforcement and skips a lower-case version tag, so BIMI does not pass', async () => {
    const badSp = await audit('bad-sp.audit.test');
    expect(find(badSp, 'dmarc.policy')).toMatchObject({ status: 'fail', message: expect.stringContaining('receivers apply p=none') });
    expect(find(badSp, 'bimi.record').message).toContain('DMARC policy is none');
    const badNp = await audit('bad-np.audit.test');
    expect(find(badNp, 'dmarc.policy').message).toContain('no DMARC policy at all');
    expect(statusOf(badNp, 'bimi.record')).toBe('fail');
    const lower = await audit('dmarc-lower.audit.test');
    expect(find(lower, 'dmarc.present')).toMatchObject({ status: 'fail', message: expect.stringContaining('"v=dmarc1; p=reject') });
    expect(find(lower, 'bimi.record').message).toContain('no DMARC record applies');
  });

  it('shows both policies when the RFC 9989 tree walk and the RFC 7489 Public Suffix List lookup disagree', async () => {
    const deep = find(await audit('deep.walk.audit.test'), 'dmarc.discovery');
    expect(deep.status).toBe('warn');
    expect(deep.message).toContain('apply the record at _dmarc.walk.audit.test ("v=DMARC1; p=reject; rua=mailto:d@walk.audit.test")');
    expect(deep.message).toContain('take audit.test as the Organizational Domain and apply no record, so no DMARC policy');
    expect(deep.evidence).toMatchObject({ treeWalk: { at: '_dmarc.walk.audit.test' }, publicSuffixList: null, pslOrganizationalDomain: 'audit.test' });
    expect(statusOf(await audit('walk.audit.test'), 'dmarc.discovery')).toBe('pass');
  });

  it('fails sending IPs without forward-confirmed reverse DNS', async () => {
    const a = await audit('good.audit.test', { selectors: ['s2048'], sendingIps: ['198.51.100.77', '198.51.100.78', '198.51.100.79'] });
    expect(a.checks.filter((c) => c.id === 'ptr.fcrdns').map((c) => [c.subject, c.status])).toEqual([
      ['198.51.100.77', 'pass'],
      ['198.51.100.78', 'fail'],
      ['198.51.100.79', 'fail'],
    ]);
    expect(find(a, 'ptr.fcrdns', '198.51.100.78').message).toContain('does not resolve back');
    expect(statusOf(a, 'requirements.bulk_sender')).toBe('fail');
  });

  it('reports a DNS server that never answers as error on every check, never as pass or fail', async () => {
    const a = await audit('good.audit.test', { selectors: ['s2048'], sendingIps: ['198.51.100.77'], dnsServer: world().faultyDns.silent.server, timeoutMs: 300 });
    const decided = a.checks.filter((c) => c.status === 'pass' || c.status === 'fail' || c.status === 'warn');
    expect(decided).toEqual([]);
    for (const id of ['spf.present', 'dkim.found', 'dmarc.present', 'mx.present', 'mta_sts.record', 'tls_rpt.record', 'bimi.record', 'ptr.fcrdns', 'requirements.bulk_sender']) {
      expect(statusOf(a, id), id).toBe('error');
    }
    expect(find(a, 'spf.present').message).toContain('no answer before the timeout');
    expect(Object.values(a.records).every((set) => set.records === null)).toBe(true);
  });

  it('reports SERVFAIL as error too', async () => {
    const a = await audit('good.audit.test', { dnsServer: world().faultyDns.servfail.server, timeoutMs: 300 });
    expect(statusOf(a, 'dmarc.present')).toBe('error');
    expect(statusOf(a, 'spf.lookups')).toBe('error');
  });

  it('has exercised every check id, with a passing and a failing (or warning) outcome', () => {
    for (const id of ALL_IDS) {
      const statuses = seen.get(id) ?? new Set();
      expect(statuses.has('pass'), `${id} passed somewhere`).toBe(true);
      expect(statuses.has('fail') || statuses.has('warn'), `${id} failed or warned somewhere`).toBe(true);
      // A key check exists only for a key that was found, so it has no "could not look up" outcome.
      if (id !== 'dkim.key') expect(statuses.has('error'), `${id} reported error somewhere`).toBe(true);
    }
  });
});

describe('the MTA-STS policy fetcher', () => {
  it('refuses loopback, link-local, private, multicast and unspecified addresses unless allowed, without echoing certificate names', async () => {
    const refused: Array<[string, string]> = [
      ['sts-good.audit.test', '127.0.0.1, a loopback'],
      ['sts-badcert.audit.test', '127.0.0.1, a loopback'],
      ['ssrf-meta.audit.test', '169.254.169.254, a link-local'],
      ['ssrf-zero.audit.test', '0.0.0.0, a unspecified'],
      ['ssrf-private.audit.test', '10.0.0.5, a private'],
      ['ssrf-v6loop.audit.test', '::1, a loopback'],
      ['ssrf-mapped.audit.test', '::ffff:127.0.0.1, a loopback'],
      ['ssrf-multicast.audit.test', 'ff02::1, a multicast'],
    ];
    for (const [domain, address] of refused) {
      const policy = find(await audit(domain, { allowPrivateAddresses: false }), 'mta_sts.policy');
      expect(policy, domain).toMatchObject({ status: 'fail', evidence: { failure: 'refused_address' } });
      expect(policy.message, domain).toContain(`resolves to ${address} address`);
      expect(JSON.stringify(policy), domain).not.toMatch(/altnames|DNS:mta-sts|sts-good\.audit\.test.*sts-mismatch/);
    }
    // Allowed, the same loopback server is fetched and judged, and a certificate mismatch says which names it holds.
    expect(statusOf(await audit('sts-good.audit.test', { allowPrivateAddresses: true }), 'mta_sts.policy')).toBe('pass');
    expect(find(await audit('sts-badcert.audit.test', { allowPrivateAddresses: true }), 'mta_sts.policy').message).toContain('altnames');
  });

  it('gives up on a policy over 64 KiB and on a server that does not answer in time', async () => {
    const huge = await startPolicyServer((host) => (host.includes('sts-good') ? { status: 200, body: 'x'.repeat(70 * 1024) } : 'hang'));
    try {
      const r = resolver();
      const fetcher = createHttpsPolicyFetcher({ resolver: r, timeoutMs: 500, port: huge.port, ca: AUDIT_CA, allowPrivateAddresses: true });
      await expect(fetcher('mta-sts.sts-good.audit.test')).rejects.toMatchObject({ kind: 'too_large' });
      await expect(fetcher('mta-sts.sts-testing.audit.test')).rejects.toMatchObject({ kind: 'timeout' });
      const untrusting = createHttpsPolicyFetcher({ resolver: r, timeoutMs: 500, port: huge.port, allowPrivateAddresses: true });
      await expect(untrusting('mta-sts.sts-good.audit.test')).rejects.toMatchObject({ kind: 'tls' });
    } finally {
      await huge.close();
    }
  });
});
