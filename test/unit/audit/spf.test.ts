import { describe, expect, it } from 'vitest';
import { parseSpf } from '../../../src/audit/spf-parse.js';
import { auditSpf, renderTree } from '../../../src/audit/spf.js';
import type { Check } from '../../../src/audit/types.js';
import { fakeResolver, txt } from './fake-resolver.js';

const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id) as Check;

describe('parseSpf', () => {
  it('accepts every mechanism form, CIDR lengths and macros', () => {
    const parsed = parseSpf('v=spf1 a mx/24 a:mail.example.com/28//64 ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{i}._spf.%{d} include:_spf.example.net ptr ~all');
    expect(parsed.errors).toEqual([]);
    expect(parsed.terms).toHaveLength(9);
  });

  it('reports unknown mechanisms, bad CIDRs, bad addresses and bad macros', () => {
    const parsed = parseSpf('v=spf1 ip4:192.0.2.0/33 ip6:zz::1 foo:bar include:%{q}.example.com a:host.example/99 -all');
    expect(parsed.errors.join('\n')).toMatch(/\/33 is out of range/);
    expect(parsed.errors.join('\n')).toMatch(/not a valid IPv6/);
    expect(parsed.errors.join('\n')).toMatch(/unknown mechanism.*foo:bar/);
    expect(parsed.errors.join('\n')).toMatch(/invalid macro/);
    expect(parsed.errors.join('\n')).toMatch(/\/99 is out of range/);
  });

  it('notes unknown modifiers and a redirect next to all, and rejects duplicate redirects', () => {
    expect(parseSpf('v=spf1 foo=bar -all redirect=_spf.example.com').notes).toHaveLength(2);
    expect(parseSpf('v=spf1 redirect=a.example.com redirect=b.example.com').errors[0]).toMatch(/more than once/);
  });
});

describe('auditSpf', () => {
  it('counts lookups across nested includes and fails over 10 with the tree shown', async () => {
    const zone: Record<string, string[][]> = {
      'TXT example.com': txt('v=spf1 include:a.example.net include:b.example.net mx -all'),
      'TXT a.example.net': txt('v=spf1 include:a1.example.net include:a2.example.net ~all'),
      'TXT a1.example.net': txt('v=spf1 a:x.example.net a:y.example.net ip4:192.0.2.1 -all'),
      'TXT a2.example.net': txt('v=spf1 ip4:192.0.2.2 -all'),
      'TXT b.example.net': txt('v=spf1 include:b1.example.net exists:z.example.net -all'),
      'TXT b1.example.net': txt('v=spf1 a mx -all'),
    };
    const resolver = fakeResolver({ ...zone, 'MX example.com': [{ exchange: 'mx.example.com', priority: 10 }], 'A x.example.net': ['192.0.2.9'], 'A y.example.net': ['192.0.2.9'], 'A z.example.net': ['127.0.0.2'], 'A b1.example.net': ['192.0.2.3'], 'MX b1.example.net': [{ exchange: 'mx.example.net', priority: 0 }] });
    const result = await auditSpf(resolver, 'example.com');
    const lookups = byId(result.checks, 'spf.lookups');
    expect(lookups.status).toBe('fail');
    expect(lookups.evidence.total).toBe(11);
    expect(lookups.message).toContain('include:a.example.net (5 lookups)');
    expect(renderTree(result.tree!)[0]).toBe('example.com (11 lookups)');
  });

  it('passes a simple record and reports the all qualifier', async () => {
    const resolver = fakeResolver({ 'TXT example.com': txt('v=spf1 ip4:192.0.2.0/24 -all', 'google-site-verification=x') });
    const result = await auditSpf(resolver, 'example.com');
    expect(result.checks.map((c) => [c.id, c.status])).toEqual([
      ['spf.present', 'pass'],
      ['spf.single', 'pass'],
      ['spf.syntax', 'pass'],
      ['spf.lookups', 'pass'],
      ['spf.void_lookups', 'pass'],
      ['spf.all', 'pass'],
      ['spf.ptr', 'pass'],
      ['spf.size', 'pass'],
    ]);
    expect(result.records.spf).toEqual({ name: 'example.com', records: ['v=spf1 ip4:192.0.2.0/24 -all'] });
  });

  it('fails two records, +all, three void includes, and warns on ptr, ?all and size', async () => {
    expect(byId((await auditSpf(fakeResolver({ 'TXT d.test': txt('v=spf1 -all', 'v=spf1 ~all') }), 'd.test')).checks, 'spf.single').status).toBe('fail');
    expect(byId((await auditSpf(fakeResolver({ 'TXT d.test': txt('v=spf1 +all') }), 'd.test')).checks, 'spf.all').status).toBe('fail');
    expect(byId((await auditSpf(fakeResolver({ 'TXT d.test': txt('v=spf1 ?all') }), 'd.test')).checks, 'spf.all').status).toBe('warn');
    expect(byId((await auditSpf(fakeResolver({ 'TXT d.test': txt('v=spf1 ptr -all') }), 'd.test')).checks, 'spf.ptr').status).toBe('warn');
    const voids = await auditSpf(fakeResolver({ 'TXT d.test': txt('v=spf1 include:gone1.test include:gone2.test include:gone3.test -all') }), 'd.test');
    expect(byId(voids.checks, 'spf.void_lookups')).toMatchObject({ status: 'fail', evidence: { voids: 3 } });
    const long = `v=spf1 ${Array.from({ length: 30 }, (_, i) => `ip4:198.51.100.${i}`).join(' ')} -all`;
    expect(byId((await auditSpf(fakeResolver({ 'TXT d.test': txt(long) }), 'd.test')).checks, 'spf.size').status).toBe('warn');
  });

  it('follows redirect for the all mechanism and detects include loops', async () => {
    const redirect = await auditSpf(fakeResolver({ 'TXT d.test': txt('v=spf1 redirect=_spf.d.test'), 'TXT _spf.d.test': txt('v=spf1 ip4:192.0.2.1 -all') }), 'd.test');
    expect(byId(redirect.checks, 'spf.all').message).toContain('via redirect to _spf.d.test');
    expect(byId(redirect.checks, 'spf.lookups').evidence.total).toBe(1);
    const loop = await auditSpf(fakeResolver({ 'TXT d.test': txt('v=spf1 include:a.d.test -all'), 'TXT a.d.test': txt('v=spf1 include:d.test -all') }), 'd.test');
    expect(byId(loop.checks, 'spf.lookups')).toMatchObject({ status: 'fail' });
    expect(byId(loop.checks, 'spf.lookups').message).toContain('loops');
  });

  it('reports an include with two records and an mx naming over 10 hosts as syntax permerrors', async () => {
    const mx = Array.from({ length: 11 }, (_, i) => ({ exchange: `mx${i}.d.test`, priority: i }));
    const result = await auditSpf(fakeResolver({ 'TXT d.test': txt('v=spf1 mx include:two.test -all'), 'MX d.test': mx, 'TXT two.test': txt('v=spf1 -all', 'v=spf1 ~all') }), 'd.test');
    const syntax = byId(result.checks, 'spf.syntax');
    expect(syntax.status).toBe('fail');
    expect(syntax.message).toContain('names 11 MX hosts');
    expect(syntax.message).toContain('2 SPF records at two.test');
  });

  it('reports error, never pass or fail, when DNS fails', async () => {
    const result = await auditSpf(fakeResolver({ 'TXT d.test': 'timeout' }), 'd.test');
    expect(new Set(result.checks.map((c) => c.status))).toEqual(new Set(['error']));
    expect(result.records.spf?.records).toBeNull();
    const partial = await auditSpf(fakeResolver({ 'TXT d.test': txt('v=spf1 include:slow.test -all'), 'TXT slow.test': 'servfail' }), 'd.test');
    expect(byId(partial.checks, 'spf.lookups').status).toBe('error');
    expect(byId(partial.checks, 'spf.present').status).toBe('pass');
  });
});
