import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseDmarc, treeWalkTargets } from '../../../src/audit/dmarc-parse.js';
import { auditDmarc, discoverDmarc } from '../../../src/audit/dmarc.js';
import { auditDomain } from '../../../src/audit/audit-domains.js';
import type { Check } from '../../../src/audit/types.js';
import { createMailauthToolkit } from '../../../src/node/mailauth-audit.js';
import { fakeResolver, txt } from './fake-resolver.js';

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
      { uri: 'mailto:a@example.com', scheme: 'mailto', host: 'example.com', sizeLimit: '10m', valid: true },
      { uri: 'mailto:b@example.net', scheme: 'mailto', host: 'example.net', sizeLimit: undefined, valid: true },
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
    const result = await auditDmarc(resolver, 'example.com');
    expect(result.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(result.effectivePolicy).toBe('reject');
  });

  it('inherits from a parent found by the tree walk and applies sp=', async () => {
    const resolver = fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com') });
    const result = await auditDmarc(resolver, 'news.mail.example.com');
    expect(byId(result.checks, 'dmarc.present').message).toContain('inherited from _dmarc.example.com');
    expect(result.effectivePolicy).toBe('quarantine');
    // Without psd= the walk goes on to the top: a record above could still move the Organizational Domain.
    expect(result.discovery.steps.map((s) => s.outcome)).toEqual(['none', 'none', 'record', 'none']);
    expect(result.discovery.organizationalDomain).toBe('example.com');
  });

  it('fails a missing record, warns p=none, t=y and pct, and errors when DNS fails', async () => {
    expect(byId((await auditDmarc(fakeResolver({}), 'example.com')).checks, 'dmarc.present').status).toBe('fail');
    const none = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=none') }), 'example.com');
    expect(byId(none.checks, 'dmarc.policy')).toMatchObject({ status: 'warn' });
    expect(byId(none.checks, 'dmarc.policy').remediation).toContain('p=quarantine');
    expect(byId(none.checks, 'dmarc.rua').status).toBe('warn');
    const testing = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; t=y; rua=mailto:d@example.com') }), 'example.com');
    expect(byId(testing.checks, 'dmarc.policy').status).toBe('warn');
    const pct = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; pct=100; rua=mailto:d@example.com') }), 'example.com');
    expect(byId(pct.checks, 'dmarc.policy')).toMatchObject({ status: 'pass' });
    expect(byId(pct.checks, 'dmarc.policy').message).toContain('removed by RFC 9989');
    const np = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; np=none; rua=mailto:d@example.com') }), 'example.com');
    expect(byId(np.checks, 'dmarc.policy').message).toContain('np=none leaves names');
    const failed = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': 'timeout' }), 'example.com');
    expect(new Set(failed.checks.map((c) => c.status))).toEqual(new Set(['error']));
  });

  it('ignores DNS failures above the level that applies', async () => {
    const result = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; rua=mailto:d@example.com'), 'TXT _dmarc.com': 'servfail' }), 'example.com');
    expect(byId(result.checks, 'dmarc.present').status).toBe('pass');
  });

  it('discards multiple records and keeps walking', async () => {
    const discovery = await discoverDmarc(fakeResolver({ 'TXT _dmarc.a.example.com': txt('v=DMARC1; p=none', 'v=DMARC1; p=reject'), 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject') }), 'a.example.com');
    expect(discovery.applied?.domain).toBe('example.com');
    const result = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=none', 'v=DMARC1; p=reject') }), 'example.com');
    expect(byId(result.checks, 'dmarc.single').status).toBe('fail');
    expect(byId(result.checks, 'dmarc.present').status).toBe('fail');
  });

  it('checks the authorization of external report destinations', async () => {
    const record = 'v=DMARC1; p=reject; rua=mailto:a@reports.example.net,mailto:b@example.com; ruf=mailto:f@other.example.org';
    const zone = { 'TXT _dmarc.example.com': txt(record), 'TXT example.com._report._dmarc.reports.example.net': txt('v=DMARC1') };
    const result = await auditDmarc(fakeResolver(zone), 'example.com');
    const external = byId(result.checks, 'dmarc.external_rua');
    expect(external.status).toBe('warn');
    expect(external.message).toContain('example.com._report._dmarc.other.example.org');
    expect(external.message).not.toContain('reports.example.net');
    const ok = await auditDmarc(fakeResolver({ ...zone, 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; rua=mailto:a@reports.example.net') }), 'example.com');
    expect(byId(ok.checks, 'dmarc.external_rua').status).toBe('pass');
  });

  it('notes more than two rua URIs and !size suffixes', async () => {
    const result = await auditDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; rua=mailto:a@example.com!10m,mailto:b@example.com,mailto:c@example.com') }), 'example.com');
    const rua = byId(result.checks, 'dmarc.rua');
    expect(rua.status).toBe('warn');
    expect(rua.message).toContain('3 rua URIs');
    expect(rua.message).toContain('!size');
  });
});

describe('policy tags receivers apply (RFC 9989 §4.10.1)', () => {
  const bimiZone = (domain: string) => ({ [`TXT default._bimi.${domain}`]: txt(`v=BIMI1; l=https://${domain}/logo.svg; a=https://${domain}/vmc.pem`) });
  const auditOne = (domain: string, zone: Record<string, string[][]>) =>
    auditDomain({ domain, selectors: [], sendingIps: [] }, { resolver: fakeResolver({ ...zone, ...bimiZone(domain) }), fetchPolicy: async () => ({ status: 404, contentType: undefined, body: '' }), discoverSelectors: false, now: Date.now, toolkit: createMailauthToolkit() });

  it('reads a record with an invalid sp= or np= beside p=reject as p=none when rua is valid, and BIMI does not pass on it', async () => {
    for (const tags of ['sp=rejekt', 'np=block', 'sp=', 'np=reject; sp=maybe', 'sp=none,reject']) {
      const a = await auditOne('example.com', { 'TXT _dmarc.example.com': txt(`v=DMARC1; p=reject; ${tags}; rua=mailto:d@example.com`) });
      expect(byId(a.checks, 'dmarc.policy'), tags).toMatchObject({ status: 'fail', message: expect.stringContaining('receivers apply p=none') });
      expect(byId(a.checks, 'bimi.record'), tags).toMatchObject({ status: 'fail', message: expect.stringContaining('DMARC policy is none') });
    }
  });

  it('reads such a record without a valid rua as no policy at all', async () => {
    for (const record of ['v=DMARC1; p=reject; sp=rejekt', 'v=DMARC1; p=reject; np=x; rua=mailto:a%zz@example.com', 'v=DMARC1; p=rejected', 'v=DMARC1; p=reject; sp=rejects; rua=dmarc@example.com']) {
      const a = await auditOne('example.com', { 'TXT _dmarc.example.com': txt(record) });
      const tags = record;
      expect(byId(a.checks, 'dmarc.policy'), tags).toMatchObject({ status: 'fail', message: expect.stringContaining('no DMARC policy at all') });
      expect(byId(a.checks, 'bimi.record').status, tags).toBe('fail');
    }
  });

  it('applies the same rule to a record a subdomain inherits', async () => {
    const a = await auditOne('news.example.com', { 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; sp=quarantine; np=never; rua=mailto:d@example.com') });
    expect(byId(a.checks, 'dmarc.policy').status).toBe('fail');
    expect(byId(a.checks, 'bimi.record').message).toContain('DMARC policy is none');
    const valid = await auditOne('news.example.com', { 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:d@example.com') });
    expect(byId(valid.checks, 'dmarc.policy').status).toBe('pass');
    expect(byId(valid.checks, 'bimi.record').status).toBe('pass');
  });

  it('skips a record whose version tag is not exactly "DMARC1" and says why', async () => {
    for (const version of ['v=dmarc1', 'v=Dmarc1', 'v=DMARC1.0', 'v=DMARC2']) {
      const a = await auditOne('example.com', { 'TXT _dmarc.example.com': txt(`${version}; p=reject; rua=mailto:d@example.com`) });
      expect(byId(a.checks, 'dmarc.present'), version).toMatchObject({ status: 'fail', message: expect.stringContaining('case-sensitive') });
      expect(byId(a.checks, 'bimi.record').status, version).toBe('fail');
    }
    const inherited = await auditOne('news.example.com', { 'TXT _dmarc.news.example.com': txt('v=dmarc1; p=none'), 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; rua=mailto:d@example.com') });
    expect(byId(inherited.checks, 'dmarc.present')).toMatchObject({ status: 'warn', message: expect.stringContaining('inherited from _dmarc.example.com') });
    expect(byId(inherited.checks, 'dmarc.present').message).toContain('"v=dmarc1; p=none" at _dmarc.news.example.com');
    expect(parseDmarc('V=DMARC1; p=reject').errors).toEqual([]);
  });
});

describe('DMARC discovery: RFC 9989 tree walk against RFC 7489 Public Suffix List lookup', () => {
  const discovery = async (domain: string, zone: Record<string, unknown>) => byId((await auditDmarc(fakeResolver(zone as never), domain)).checks, 'dmarc.discovery');

  it('passes when both methods apply the same record', async () => {
    for (const [domain, zone] of [
      ['example.com', { 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject') }],
      ['mail.example.com', { 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject') }],
      ['shop.example.co.uk', { 'TXT _dmarc.shop.example.co.uk': txt('v=DMARC1; p=none'), 'TXT _dmarc.co.uk': txt('v=DMARC1; p=reject; psd=y') }],
      ['nothing.example.org', {}],
    ] as const) {
      expect((await discovery(domain, zone)).status, domain).toBe('pass');
    }
  });

  it('shows both records and says which receivers use which when they differ', async () => {
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      // psd=n makes b.example.com its own Organizational Domain for the walk; the list jumps to example.com.
      ['a.b.example.com', { 'TXT _dmarc.b.example.com': txt('v=DMARC1; p=reject; psd=n'), 'TXT _dmarc.example.com': txt('v=DMARC1; p=none') }, '_dmarc.b.example.com', '_dmarc.example.com'],
      // A private PSL suffix is its own boundary for the list; the walk reaches the suffix's record.
      ['foo.blogspot.com', { 'TXT _dmarc.blogspot.com': txt('v=DMARC1; p=reject') }, '_dmarc.blogspot.com', 'no record'],
      // A public suffix operator's record (psd=y) is found only by the walk.
      ['shop.example.co.uk', { 'TXT _dmarc.co.uk': txt('v=DMARC1; p=reject; psd=y') }, '_dmarc.co.uk', 'no record'],
    ];
    for (const [domain, zone, walked, listed] of cases) {
      const found = await discovery(domain, zone);
      expect(found.status, domain).toBe('warn');
      expect(found.message, domain).toMatch(new RegExp(`RFC 9989's DNS tree walk .* apply the record at ${walked.replace(/\./g, '\\.')}`));
      expect(found.message, domain).toContain(`RFC 7489's Public Suffix List lookup (most large mailbox providers today)`);
      expect(found.message.split('RFC 7489')[1], domain).toContain(listed);
      expect(found.remediation).toContain(`_dmarc.${domain}`);
    }
  });

  it('says error when the record RFC 7489 receivers use cannot be looked up', async () => {
    const found = await discovery('a.b.c.d.e.f.g.h.example.com', { 'TXT _dmarc.d.e.f.g.h.example.com': txt('v=DMARC1; p=reject'), 'TXT _dmarc.example.com': 'timeout' });
    expect(found.status).toBe('error');
  });
});

describe('the policy rule for invalid tags matches mailauth 7', () => {
  // mailauth's module loads node:dns, so the core carries a portable copy; this keeps the two in step.
  const { getPolicyTags } = createRequire(import.meta.url)('mailauth/lib/dmarc/get-dmarc-record.js') as {
    getPolicyTags(record: Record<string, string | undefined>): { p: string; sp?: string; np?: string } | null;
  };
  it('agrees on valid, invalid and missing policy tags with and without a usable rua', () => {
    const policies = [undefined, 'none', 'quarantine', 'reject', 'REJECT', 'rejekt', ''];
    const ruas = [undefined, 'mailto:d@example.com', 'mailto:a%zz@example.com', 'dmarc@example.com', 'mailto:d@example.com!10m', 'https://x.example/r,mailto:%'];
    let compared = 0;
    for (const p of policies) for (const sp of policies) for (const np of policies.slice(0, 4)) for (const rua of ruas) {
      const text = ['v=DMARC1', p === undefined ? '' : `p=${p}`, sp === undefined ? '' : `sp=${sp}`, np === undefined ? '' : `np=${np}`, rua === undefined ? '' : `rua=${rua}`].filter(Boolean).join('; ');
      const lower = (v: string | undefined) => v?.toLowerCase();
      const theirs = getPolicyTags({ p: lower(p), sp: lower(sp), np: lower(np), rua });
      const ours = parseDmarc(text).applied;
      expect(ours ? { p: ours.p, ...(ours.sp ? { sp: ours.sp } : {}), ...(ours.np ? { np: ours.np } : {}) } : null, text).toEqual(theirs ? Object.fromEntries(Object.entries(theirs).filter(([, v]) => v !== undefined)) : null);
      compared++;
    }
    expect(compared).toBe(7 * 7 * 4 * 6);
  });
});

describe('policy discovery matches mailauth 7 (RFC 9989 §4.10)', () => {
  it('applies the Organizational Domain record, passing over records on intermediate names', async () => {
    const zone = { 'TXT _dmarc.b.example.com': txt('v=DMARC1; p=none'), 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject') };
    const passedOver = await discoverDmarc(fakeResolver(zone), 'a.b.example.com');
    expect(passedOver.applied?.domain).toBe('example.com');
    expect(passedOver.steps.map((s) => s.outcome)).toEqual(['none', 'passed over', 'record', 'none']);
    const psdN = await discoverDmarc(fakeResolver({ ...zone, 'TXT _dmarc.b.example.com': txt('v=DMARC1; p=none; psd=n') }), 'a.b.example.com');
    expect(psdN.applied?.domain).toBe('b.example.com');
    expect(psdN.steps.at(-1)?.outcome).toBe('not needed');
    const psd = await discoverDmarc(fakeResolver({ 'TXT _dmarc.co.uk': txt('v=DMARC1; p=reject; psd=y') }), 'shop.example.co.uk');
    expect(psd).toMatchObject({ applied: { domain: 'co.uk' }, organizationalDomain: 'example.co.uk' });
    const failed = await discoverDmarc(fakeResolver({ 'TXT _dmarc.example.com': txt('v=DMARC1; p=reject'), 'TXT _dmarc.com': 'servfail' }), 'a.example.com');
    expect(failed).toMatchObject({ applied: undefined, unknown: true });
  });

  it('finds the same record as mailauth on every shape of tree', async () => {
    // mailauth's module loads node:dns, so the core carries its own walk; this keeps the two in step.
    const { discoverPolicy, createRecordLookup } = createRequire(import.meta.url)('mailauth/lib/dmarc/get-dmarc-record.js') as {
      discoverPolicy(domain: string, lookup: unknown): Promise<{ record: false | { rr: string }; recordDomain: string | null; orgDomain: string | null }>;
      createRecordLookup(resolver: unknown): unknown;
    };
    const { toMailauthResolver } = await import('../../../src/node/mailauth-resolver.js');
    const levels = ['a.b.c.example.com', 'b.c.example.com', 'c.example.com', 'example.com', 'com'];
    const records = [undefined, 'v=DMARC1; p=none', 'v=DMARC1; p=reject; psd=n', 'v=DMARC1; p=quarantine; psd=y', 'v=dmarc1; p=reject'];
    let compared = 0;
    // Every combination of records on the five levels of the walk (5^5).
    for (let n = 0; n < records.length ** levels.length; n++) {
      const zone: Record<string, string[][]> = {};
      levels.forEach((level, i) => {
        const record = records[Math.floor(n / records.length ** i) % records.length];
        if (record) zone[`TXT _dmarc.${level}`] = txt(`${record}; rua=mailto:d@${level}`);
      });
      const resolver = fakeResolver(zone);
      const theirs = await discoverPolicy(levels[0] as string, createRecordLookup(toMailauthResolver(resolver)));
      const ours = await discoverDmarc(resolver, levels[0] as string);
      const key = JSON.stringify(zone);
      expect(ours.applied?.domain ?? null, key).toBe(theirs.record ? theirs.recordDomain : null);
      if (theirs.orgDomain) expect(ours.organizationalDomain, key).toBe(theirs.orgDomain);
      compared++;
    }
    expect(compared).toBe(3125);
  });
});

