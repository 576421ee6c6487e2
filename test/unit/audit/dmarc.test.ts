import { describe, expect, it } from 'vitest';
import { parseDmarc, treeWalkTargets } from '../../../src/audit/dmarc-parse.js';
import { auditDmarc, discoverDmarc } from '../../../src/audit/dmarc.js';
import type { Check } from '../../../src/audit/types.js';
import { createMailauthToolkit } from '../../../src/node/mailauth-audit.js';
import { fakeResolver, txt } from './fake-resolver.js';

const toolkit = createMailauthToolkit();

const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id) as Check;

describe('treeWalkTargets (RFC 9989 §4.10)', () => {
  it('walks one label at a time down to the TLD', () => {
    expect(treeWalkTargets('a.mail.example.com')).toEqual(['a.mail.example.com', 'mail.example.com', 'example.com', 'com']);
  });
  it('jumps to 7 labels when the domain has 8 or more', () => {
    const targets = treeWalkTargets('a.b.c.d.e.f.g.h.i.example');
    expect(targets[0]).toBe('a.b.c.d.e.f.g.h.i.example');
    expect(targets[1]).toBe('d.e.f.g.h.i.example');
    expect(targets).toHaveLength(8);
    expect(targets.at(-1)).toBe('example');
  });
});

describe('parseDmarc', () => {
  it('reads RFC 9989 tags and keeps removed RFC 7489 ones visible', () => {
    const record = parseDmarc('v=DMARC1; p=quarantine; sp=reject; np=reject; psd=n; t=y; pct=50; rf=afrf; adkim=s; rua=mailto:a@example.com!10m,mailto:b@example.net');
    expect(record).toMatchObject({ p: 'quarantine', sp: 'reject', np: 'reject', psd: 'n', testing: true, pct: 50, adkim: 's', aspf: 'r', removed: ['pct', 'rf'] });
    expect(record.rua).toEqual([
      { uri: 'mailto:a@example.com', scheme: 'mailto', host: 'example.com', sizeLimit: '10m' },
      { uri: 'mailto:b@example.net', scheme: 'mailto', host: 'example.net', sizeLimit: undefined },
    ]);
    expect(record.errors).toEqual([]);
  });
  it('reports bad values and unknown tags', () => {
    const record = parseDmarc('v=DMARC1; p=block; adkim=x; foo=bar');
    expect(record.errors).toHaveLength(2);
    expect(record.unknown).toEqual(['foo']);
  });
});

describe('auditDmarc', () => {
  it('applies the record at the domain itself', async () => {
    const resolver = fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; rua=mailto:d@example.com') });
    const result = await auditDmarc(resolver, 'example.com', toolkit);
    expect(result.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(result.effectivePolicy).toBe('reject');
  });

  it('inherits from a parent found by the tree walk and applies sp=', async () => {
    const resolver = fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com') });
    const result = await auditDmarc(resolver, 'news.mail.example.com', toolkit);
    expect(byId(result.checks, 'dmarc.present').message).toContain('inherited from _dmarc.example.com');
    expect(result.effectivePolicy).toBe('quarantine');
    expect(result.discovery.steps.map((s) => s.outcome)).toEqual(['none', 'none', 'record', 'not needed']);
    expect(result.discovery.organizationalDomain).toBe('example.com');
  });

  it('fails a missing record, warns p=none, t=y and pct, and errors when DNS fails', async () => {
    expect(byId((await auditDmarc(fakeResolver({}), 'example.com', toolkit)).checks, 'dmarc.present').status).toBe('fail');
    const none = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=none') }), 'example.com', toolkit);
    expect(byId(none.checks, 'dmarc.policy')).toMatchObject({ status: 'warn' });
    expect(byId(none.checks, 'dmarc.policy').remediation).toContain('p=quarantine');
    expect(byId(none.checks, 'dmarc.rua').status).toBe('warn');
    const testing = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; t=y; rua=mailto:d@example.com') }), 'example.com', toolkit);
    expect(byId(testing.checks, 'dmarc.policy').status).toBe('warn');
    const pct = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; pct=100; rua=mailto:d@example.com') }), 'example.com', toolkit);
    expect(byId(pct.checks, 'dmarc.policy')).toMatchObject({ status: 'pass' });
    expect(byId(pct.checks, 'dmarc.policy').message).toContain('removed by RFC 9989');
    const np = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; np=none; rua=mailto:d@example.com') }), 'example.com', toolkit);
    expect(byId(np.checks, 'dmarc.policy').message).toContain('np=none leaves names');
    const failed = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': 'timeout' }), 'example.com', toolkit);
    expect(new Set(failed.checks.map((c) => c.status))).toEqual(new Set(['error']));
  });

  it('applies RFC 9989 to invalid policy tags as mailauth 7 does: p=none with rua=, no DMARC without', async () => {
    const zone = (record: string) => fakeResolver({ 'TXT _dmarc.example.com': txt(record) });
    const reporting = await auditDmarc(zone('v=DMARC1; p=reject; sp=block; rua=mailto:d@example.com'), 'example.com', toolkit);
    expect(reporting.effectivePolicy).toBe('none');
    expect(byId(reporting.checks, 'dmarc.policy')).toMatchObject({ status: 'warn' });
    expect(byId(reporting.checks, 'dmarc.policy').message).toContain('receivers apply p=none');
    const silent = await auditDmarc(zone('v=DMARC1; p=reject; np=never'), 'example.com', toolkit);
    expect(silent.effectivePolicy).toBeUndefined();
    expect(byId(silent.checks, 'dmarc.policy').message).toContain('no DMARC processing');
    const noPolicy = await auditDmarc(zone('v=DMARC1; rua=mailto:d@example.com'), 'example.com', toolkit);
    expect(noPolicy.effectivePolicy).toBe('none');
    const valid = await auditDmarc(zone('v=DMARC1; p=Reject; sp=quarantine; rua=mailto:d@example.com'), 'example.com', toolkit);
    expect(valid.effectivePolicy).toBe('reject');
    expect(byId(valid.checks, 'dmarc.policy').status).toBe('pass');
  });

  it('ignores DNS failures above the level that applies', async () => {
    const result = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; rua=mailto:d@example.com'), 'TXT _dmarc.com': 'servfail' }), 'example.com', toolkit);
    expect(byId(result.checks, 'dmarc.present').status).toBe('pass');
  });

  it('discards multiple records and keeps walking', async () => {
    const discovery = await discoverDmarc(fakeResolver({ 'TXT _dmarc.a.example.com': txt('v=DMARC1; p=none', 'v=DMARC1; p=reject'), 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject') }), 'a.example.com');
    expect(discovery.applied?.domain).toBe('example.com');
    const result = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=none', 'v=DMARC1; p=reject') }), 'example.com', toolkit);
    expect(byId(result.checks, 'dmarc.single').status).toBe('fail');
    expect(byId(result.checks, 'dmarc.present').status).toBe('fail');
  });

  it('checks the authorization of external report destinations', async () => {
    const record = 'v=DMARC1; p=reject; rua=mailto:a@reports.example.net,mailto:b@example.com; ruf=mailto:f@other.example.org';
    const zone = { 'TXT _dmarc.example.com': txt(record), 'TXT example.com._report._dmarc.reports.example.net': txt('v=DMARC1') };
    const result = await auditDmarc(fakeResolver(zone), 'example.com', toolkit);
    const external = byId(result.checks, 'dmarc.external_rua');
    expect(external.status).toBe('warn');
    expect(external.message).toContain('example.com._report._dmarc.other.example.org');
    expect(external.message).not.toContain('reports.example.net');
    const ok = await auditDmarc(fakeResolver({ ...zone, 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; rua=mailto:a@reports.example.net') }), 'example.com', toolkit);
    expect(byId(ok.checks, 'dmarc.external_rua').status).toBe('pass');
  });

  it('notes more than two rua URIs and !size suffixes', async () => {
    const result = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; rua=mailto:a@example.com!10m,mailto:b@example.com,mailto:c@example.com') }), 'example.com', toolkit);
    const rua = byId(result.checks, 'dmarc.rua');
    expect(rua.status).toBe('warn');
    expect(rua.message).toContain('3 rua URIs');
    expect(rua.message).toContain('!size');
  });
});
