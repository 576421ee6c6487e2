import { describe, expect, it } from 'vitest';
import { auditBimi } from '../../../src/audit/bimi.js';
import { parseDmarc } from '../../../src/audit/dmarc-parse.js';
import { auditMx } from '../../../src/audit/mx.js';
import { collectMtaSts, judgeMtaSts, PolicyFetchError, type PolicyFetcher } from '../../../src/audit/mta-sts.js';
import { auditPtr } from '../../../src/audit/ptr.js';
import { reverseName } from '../../../src/dns/reverse.js';
import { auditTlsRpt } from '../../../src/audit/tls-rpt.js';
import { createMailauthToolkit } from '../../../src/node/mailauth-audit.js';
import { fakeResolver, txt } from './fake-resolver.js';

const toolkit = createMailauthToolkit();

const policy = (body: string, contentType = 'text/plain'): PolicyFetcher => async () => ({ status: 200, contentType, body });
const ENFORCE = 'version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.backup.example.com\nmax_age: 604800\n';

describe('MX', () => {
  it('passes resolvable hosts, recognises null MX, fails dangling hosts and missing MX', async () => {
    const ok = await auditMx(fakeResolver({ 'MX example.com': [{ exchange: 'mx.example.com', priority: 10 }], 'A mx.example.com': ['192.0.2.1'] }), 'example.com');
    expect(ok.checks.map((c) => c.status)).toEqual(['pass', 'pass']);
    expect(ok.hosts).toEqual(['mx.example.com']);
    const nullMx = await auditMx(fakeResolver({ 'MX example.com': [{ exchange: '', priority: 0 }] }), 'example.com');
    expect(nullMx.checks[0]?.message).toContain('RFC 7505');
    const dangling = await auditMx(fakeResolver({ 'MX example.com': [{ exchange: 'gone.example.com', priority: 10 }] }), 'example.com');
    expect(dangling.checks[1]?.status).toBe('fail');
    const implicit = await auditMx(fakeResolver({ 'A example.com': ['192.0.2.1'] }), 'example.com');
    expect(implicit.checks[0]).toMatchObject({ status: 'warn', evidence: { implicit: ['192.0.2.1'] } });
    expect((await auditMx(fakeResolver({ 'TXT example.com': [['v=spf1 -all']] }), 'example.com')).checks[0]?.status).toBe('fail');
    expect((await auditMx(fakeResolver({}), 'example.com')).checks[0]?.message).toContain('does not exist');
    expect((await auditMx(fakeResolver({ 'MX example.com': 'timeout' }), 'example.com')).checks.map((c) => c.status)).toEqual(['error', 'error']);
  });
});

describe('MTA-STS', () => {
  const zone = { 'TXT _mta-sts.example.com': txt('v=STSv1; id=2026112301') };
  it('passes an enforced policy that covers every MX host', async () => {
    const data = await collectMtaSts(fakeResolver(zone), 'example.com', policy(ENFORCE));
    expect(judgeMtaSts(data, ['mx1.example.com', 'a.backup.example.com'], toolkit).map((c) => c.status)).toEqual(['pass', 'pass']);
  });
  it('fails an enforced policy that misses an MX host, warns on testing mode and content type', async () => {
    const data = await collectMtaSts(fakeResolver(zone), 'example.com', policy(ENFORCE));
    expect(judgeMtaSts(data, ['mx2.example.com'], toolkit)[1]).toMatchObject({ status: 'fail' });
    const testing = await collectMtaSts(fakeResolver(zone), 'example.com', policy(ENFORCE.replace('enforce', 'testing'), 'text/html'));
    const check = judgeMtaSts(testing, ['mx1.example.com'], toolkit)[1];
    expect(check?.status).toBe('warn');
    expect(check?.message).toContain('not text/plain');
  });
  it('separates facts (TLS, HTTP status, bad policy) from unknowns (timeout)', async () => {
    const failing = (kind: 'tls' | 'timeout'): PolicyFetcher => async () => {
      throw new PolicyFetchError(kind, kind);
    };
    expect(judgeMtaSts(await collectMtaSts(fakeResolver(zone), 'example.com', failing('tls')), [], toolkit)[1]?.status).toBe('fail');
    expect(judgeMtaSts(await collectMtaSts(fakeResolver(zone), 'example.com', failing('timeout')), [], toolkit)[1]?.status).toBe('error');
    const notFound: PolicyFetcher = async () => ({ status: 404, contentType: 'text/plain', body: '' });
    expect(judgeMtaSts(await collectMtaSts(fakeResolver(zone), 'example.com', notFound), [], toolkit)[1]?.status).toBe('fail');
    expect(judgeMtaSts(await collectMtaSts(fakeResolver(zone), 'example.com', policy('version: STSv1\nmode: sometimes\n')), [], toolkit)[1]?.status).toBe('fail');
  });
  it('fails a record without id and treats no record as informational', async () => {
    const noId = await collectMtaSts(fakeResolver({ 'TXT _mta-sts.example.com': txt('v=STSv1;') }), 'example.com', policy(ENFORCE));
    expect(judgeMtaSts(noId, [], toolkit)[0]?.status).toBe('fail');
    expect(judgeMtaSts(await collectMtaSts(fakeResolver({}), 'example.com', policy(ENFORCE)), [], toolkit).map((c) => c.status)).toEqual(['info', 'info']);
  });
});

describe('case-sensitive version tags beside DMARC', () => {
  it('skips MTA-STS and TLS-RPT records whose version is not spelled exactly, and says why', async () => {
    for (const version of ['v=stsv1', 'v=STSV1', 'V=STSv1', 'v=StSv1']) {
      const data = await collectMtaSts(fakeResolver({ 'TXT _mta-sts.example.com': txt(`${version}; id=1`) }), 'example.com', policy(ENFORCE));
      expect(judgeMtaSts(data, [], toolkit)[0], version).toMatchObject({ status: 'fail', message: expect.stringContaining('case-sensitive') });
    }
    for (const version of ['v=tlsrptv1', 'v=TLSRPTV1', 'V=TLSRPTv1']) {
      const result = await auditTlsRpt(fakeResolver({ 'TXT _smtp._tls.example.com': txt(`${version}; rua=mailto:tls@example.com`) }), 'example.com', Promise.resolve(true));
      expect(result.check, version).toMatchObject({ status: 'fail', message: expect.stringContaining('case-sensitive') });
    }
    const exact = await collectMtaSts(fakeResolver({ 'TXT _mta-sts.example.com': txt('v = STSv1 ; id=1') }), 'example.com', policy(ENFORCE));
    expect(judgeMtaSts(exact, ['mx1.example.com'], toolkit)[0]?.status).toBe('pass');
  });
});

describe('TLS-RPT', () => {
  it('passes a valid record and fails a bad rua', async () => {
    const ok = await auditTlsRpt(fakeResolver({ 'TXT _smtp._tls.example.com': txt('v=TLSRPTv1; rua=mailto:tls@example.com') }), 'example.com', Promise.resolve(true));
    expect(ok.check.status).toBe('pass');
    const bad = await auditTlsRpt(fakeResolver({ 'TXT _smtp._tls.example.com': txt('v=TLSRPTv1; rua=ftp://x') }), 'example.com', Promise.resolve(false));
    expect(bad.check.status).toBe('fail');
    expect((await auditTlsRpt(fakeResolver({}), 'example.com', Promise.resolve(true))).check.status).toBe('warn');
  });
});

describe('BIMI', () => {
  const zone = { 'TXT default._bimi.example.com': txt('v=BIMI1; l=https://example.com/logo.svg; a=https://example.com/vmc.pem') };
  it('needs DMARC at enforcement', async () => {
    const enforced = await auditBimi(fakeResolver(zone), 'example.com', Promise.resolve({ known: true, record: parseDmarc('v=DMARC1; p=reject'), effective: 'reject' }), toolkit);
    expect(enforced.check.status).toBe('pass');
    const lax = await auditBimi(fakeResolver(zone), 'example.com', Promise.resolve({ known: true, record: parseDmarc('v=DMARC1; p=none'), effective: 'none' }), toolkit);
    expect(lax.check).toMatchObject({ status: 'fail' });
    expect(lax.check.message).toContain('DMARC policy is none');
    const none = await auditBimi(fakeResolver({}), 'example.com', Promise.resolve({ known: true, record: undefined, effective: undefined }), toolkit);
    expect(none.check.status).toBe('info');
    const timeout = await auditBimi(fakeResolver({ 'TXT default._bimi.example.com': 'timeout' }), 'example.com', Promise.resolve({ known: false }), toolkit);
    expect(timeout.check.status).toBe('error');
  });
});

describe('PTR', () => {
  it('builds reverse names for IPv4 and IPv6', () => {
    expect(reverseName('192.0.2.5')).toBe('5.2.0.192.in-addr.arpa');
    expect(reverseName('2001:db8::1')).toBe(`1.${'0.'.repeat(23)}8.b.d.0.1.0.0.2.ip6.arpa`);
  });
  it('passes forward-confirmed names and fails the rest', async () => {
    const resolver = fakeResolver({
      'PTR 5.2.0.192.in-addr.arpa': ['mail.example.com'],
      'A mail.example.com': ['192.0.2.5'],
      'PTR 6.2.0.192.in-addr.arpa': ['other.example.com'],
      'A other.example.com': ['192.0.2.99'],
    });
    const result = await auditPtr(resolver, ['192.0.2.5', '192.0.2.6', '192.0.2.7']);
    expect(result.checks.map((c) => [c.subject, c.status])).toEqual([
      ['192.0.2.5', 'pass'],
      ['192.0.2.6', 'fail'],
      ['192.0.2.7', 'fail'],
    ]);
  });
});
