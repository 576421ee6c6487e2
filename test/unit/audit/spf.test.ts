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
    expect(parsed.errors.join('\n')).toMatch(/unknown macro letter in "%\{q\}"/);
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

describe('SPF evaluation order and limits (RFC 7208 §4.6, §5, §6, §7)', () => {
  const includes = (n: number) => Array.from({ length: n }, (_, i) => `include:i${i}.example.net`).join(' ');
  const spfOf = (zone: Record<string, unknown>, domain = 'd.test') => auditSpf(fakeResolver(zone as never), domain);

  it('neither counts nor follows terms after "all"', async () => {
    for (const record of [`v=spf1 -all ${includes(11)}`, `v=spf1 ip4:192.0.2.1 ~all ${includes(11)} mx a`, `v=spf1 ?all exists:%{i}.x.example redirect=r.example.net`]) {
      const zone = { 'TXT d.test': txt(record) };
      const resolver = fakeResolver(zone);
      const result = await auditSpf(resolver, 'd.test');
      expect(byId(result.checks, 'spf.lookups'), record).toMatchObject({ status: 'pass', evidence: { total: 0 } });
      expect(resolver.queries, record).toEqual(['TXT d.test']);
      expect(byId(result.checks, 'spf.syntax').message).toContain('after "all"');
    }
    // Terms before "all" still count.
    const before = await spfOf({ 'TXT d.test': txt(`v=spf1 ${includes(11)} -all`) });
    expect(byId(before.checks, 'spf.lookups').evidence.total).toBe(11);
  });

  it('expands %{d} from the domain being read and follows it; other macros leave the limits unknown', async () => {
    const deep = txt(`v=spf1 ${Array.from({ length: 10 }, (_, i) => `a:h${i}.example.com`).join(' ')} -all`);
    const cases: Array<[string, string, Record<string, unknown>]> = [
      ['example.com', 'v=spf1 include:_spf.%{d} -all', { 'TXT _spf.example.com': deep }],
      ['mail.example.com', 'v=spf1 include:_spf.%{d2} -all', { 'TXT _spf.example.com': deep }],
      ['example.com', 'v=spf1 redirect=%{dr}.spf.example.net', { 'TXT com.example.spf.example.net': deep }],
    ];
    for (const [domain, record, zone] of cases) {
      const result = await spfOf({ [`TXT ${domain}`]: txt(record), ...zone }, domain);
      expect(byId(result.checks, 'spf.lookups'), record).toMatchObject({ status: 'fail', evidence: { total: 11 } });
    }
    for (const record of ['v=spf1 include:%{i}._spf.%{d} -all', 'v=spf1 include:%{l}.users.%{d} -all', 'v=spf1 redirect=%{s}.example.net', 'v=spf1 include:%{h}.example.net ~all']) {
      const result = await spfOf({ 'TXT d.test': txt(record) });
      expect(byId(result.checks, 'spf.lookups'), record).toMatchObject({ status: 'error', message: expect.stringContaining("depend") });
      expect(byId(result.checks, 'spf.void_lookups').status, record).toBe('error');
    }
    // A sender-dependent exists/a still costs exactly one lookup, which is known.
    const exists = await spfOf({ 'TXT d.test': txt('v=spf1 exists:%{i}._spf.d.test -all') });
    expect(byId(exists.checks, 'spf.lookups')).toMatchObject({ status: 'pass', evidence: { total: 1 } });
  });

  it('counts void lookups per address family', async () => {
    const aaaaOnly = { 'AAAA x1.d.test': ['2001:db8::1'], 'AAAA x2.d.test': ['2001:db8::2'], 'AAAA x3.d.test': ['2001:db8::3'] };
    const ipv4Voids = await spfOf({ 'TXT d.test': txt('v=spf1 a:x1.d.test a:x2.d.test a:x3.d.test -all'), ...aaaaOnly });
    expect(byId(ipv4Voids.checks, 'spf.void_lookups')).toMatchObject({ status: 'fail', message: expect.stringContaining('3 for IPv4 clients') });
    const mixed = await spfOf({ 'TXT d.test': txt('v=spf1 a:x1.d.test a:x2.d.test mx:gone.d.test -all'), ...aaaaOnly });
    expect(byId(mixed.checks, 'spf.void_lookups').message).toContain('3 for IPv4 clients');
    const aOnly = { 'A x1.d.test': ['192.0.2.1'], 'A x2.d.test': ['192.0.2.2'], 'A x3.d.test': ['192.0.2.3'] };
    // Without any IPv6 sender in the record, IPv6 clients are not legitimate mail and are not judged.
    expect(byId((await spfOf({ 'TXT d.test': txt('v=spf1 a:x1.d.test a:x2.d.test a:x3.d.test -all'), ...aOnly })).checks, 'spf.void_lookups').status).toBe('pass');
    const ipv6Voids = await spfOf({ 'TXT d.test': txt('v=spf1 ip6:2001:db8::/32 a:x1.d.test a:x2.d.test a:x3.d.test -all'), ...aOnly });
    expect(byId(ipv6Voids.checks, 'spf.void_lookups').message).toContain('3 for IPv6 clients');
    const both = await spfOf({ 'TXT d.test': txt('v=spf1 a:x1.d.test a:x2.d.test -all'), 'A x1.d.test': ['192.0.2.1'], 'AAAA x2.d.test': ['2001:db8::2'] });
    expect(byId(both.checks, 'spf.void_lookups').status).toBe('pass');
    const timeout = await spfOf({ 'TXT d.test': txt('v=spf1 a:x1.d.test -all'), 'A x1.d.test': 'timeout' });
    expect(byId(timeout.checks, 'spf.void_lookups')).toMatchObject({ status: 'error', message: expect.stringContaining('temperror') });
  });

  it('reports a syntax error as a syntax error and asks nothing for the broken record', async () => {
    for (const record of ['v=spf1 a:foo..bar.example ip4:192.0.2.0/40 -all', 'v=spf1 include:x.example.net mx:/24 -all', 'v=spf1 exists: ~all', 'v=spf1 a:bad_top.exampl3 include:%{z}.example.net -all']) {
      const resolver = fakeResolver({ 'TXT d.test': txt(record) });
      const result = await auditSpf(resolver, 'd.test');
      expect(byId(result.checks, 'spf.syntax').status, record).toBe('fail');
      for (const id of ['spf.lookups', 'spf.void_lookups']) expect(byId(result.checks, id).message, `${record} ${id}`).not.toContain('could not be fetched');
      expect(resolver.queries, record).toEqual(['TXT d.test']);
    }
    const nested = await spfOf({ 'TXT d.test': txt('v=spf1 include:child.example.net -all'), 'TXT child.example.net': txt('v=spf1 ip4:300.1.1.1 include:gone.example.net -all') });
    expect(byId(nested.checks, 'spf.syntax').message).toContain('child.example.net: ip4:300.1.1.1');
    expect(byId(nested.checks, 'spf.void_lookups').status).toBe('pass');
  });

  it('fails a redirect to a domain without one SPF record as a permerror, not "no all"', async () => {
    const cases: Array<Record<string, unknown>> = [
      { 'TXT d.test': txt('v=spf1 redirect=nowhere.example.net') },
      { 'TXT d.test': txt('v=spf1 redirect=plain.example.net'), 'TXT plain.example.net': txt('google-site-verification=abc') },
      { 'TXT d.test': txt('v=spf1 redirect=two.example.net'), 'TXT two.example.net': txt('v=spf1 -all', 'v=spf1 ~all') },
      { 'TXT d.test': txt('v=spf1 redirect=hop.example.net'), 'TXT hop.example.net': txt('v=spf1 redirect=nowhere.example.net') },
    ];
    for (const zone of cases) {
      const all = byId((await spfOf(zone)).checks, 'spf.all');
      expect(all, JSON.stringify(zone)).toMatchObject({ status: 'fail', message: expect.stringContaining('permerror') });
    }
    const fine = await spfOf({ 'TXT d.test': txt('v=spf1 redirect=ok.example.net'), 'TXT ok.example.net': txt('v=spf1 -all') });
    expect(byId(fine.checks, 'spf.all').status).toBe('pass');
  });

  it('allows c, r and t macros only in explanation text, and requires macro-strings in unknown modifiers', () => {
    for (const record of ['v=spf1 exists:%{c}.x.example -all', 'v=spf1 a:%{r}.x.example -all', 'v=spf1 -all exp=%{t}.x.example', 'v=spf1 include:%{R}.x.example -all', 'v=spf1 -all exp=%{r}.example.com']) {
      expect(parseSpf(record).errors.join(), record).toContain('only allowed in the explanation text');
    }
    for (const record of ['v=spf1 -all foo=%abc', 'v=spf1 -all bar=%{q}', 'v=spf1 x=% -all', 'v=spf1 -all moo=100%']) {
      expect(parseSpf(record).errors, record).toHaveLength(1);
    }
    for (const record of ['v=spf1 -all foo=%{d}', 'v=spf1 -all foo=bar', 'v=spf1 -all exp=explain.%{d}', 'v=spf1 -all foo=%%%_%-']) {
      expect(parseSpf(record).errors, record).toEqual([]);
    }
  });

  it('reads a "/" followed by more than digits as part of the domain', async () => {
    for (const record of ['v=spf1 a:foo:bar/baz.example.com', 'v=spf1 mx:foo/bar.example.com/24', 'v=spf1 a:x/y.example.com//64 -all', 'v=spf1 a/24//64 mx//128 -all']) {
      expect(parseSpf(record).errors, record).toEqual([]);
    }
    for (const record of ['v=spf1 a:example.com/24/ -all', 'v=spf1 a:example.com:8080 -all', 'v=spf1 mx/24/x -all', 'v=spf1 a:example.com/33 -all']) {
      expect(parseSpf(record).errors, record).toHaveLength(1);
    }
    const term = parseSpf('v=spf1 a:foo:bar/baz.example.com/24').terms[0];
    expect(term).toMatchObject({ target: 'foo:bar/baz.example.com' });
  });

  it('judges the size of the whole TXT answer, not only the SPF record', async () => {
    const tokens = Array.from({ length: 8 }, (_, i) => `google-site-verification=${'x'.repeat(40)}${i}`);
    const crowded = await spfOf({ 'TXT d.test': txt('v=spf1 ip4:192.0.2.1 -all', ...tokens) });
    expect(byId(crowded.checks, 'spf.size')).toMatchObject({ status: 'warn', evidence: { records: 9 } });
    const long = `v=spf1 ${Array.from({ length: 30 }, (_, i) => `ip4:198.51.100.${i}`).join(' ')} -all`;
    expect(byId((await spfOf({ 'TXT d.test': txt(long) })).checks, 'spf.size').status).toBe('warn');
    const small = await spfOf({ 'TXT d.test': txt('v=spf1 ip4:192.0.2.1 -all', tokens[0] as string) });
    expect(byId(small.checks, 'spf.size')).toMatchObject({ status: 'pass', evidence: { records: 2 } });
  });

  it('reads a malformed domain as "none", not as an unknown lookup', async () => {
    for (const domain of [`a${'1'.repeat(63)}.example.com`, 'a...example.com', '[192.0.2.1]', 'localhost']) {
      const resolver = fakeResolver({});
      const result = await auditSpf(resolver, domain);
      expect(byId(result.checks, 'spf.present'), domain).toMatchObject({ status: 'fail', message: expect.stringContaining('none') });
      expect(resolver.queries).toEqual([]);
    }
  });
});

