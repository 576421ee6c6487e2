import { describe, expect, it } from 'vitest';
import { parseDmarc } from '../../../src/audit/dmarc-parse.js';
import { renderReport } from '../../../src/audit/render.js';
import { auditDomains } from '../../../src/audit/audit-domains.js';
import type { Check } from '../../../src/audit/types.js';
import { DnsError, type Resolver } from '../../../src/dns/types.js';
import { createMailauthToolkit } from '../../../src/node/mailauth-audit.js';
import { fakeResolver, txt } from './fake-resolver.js';

const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id) as Check;

const badReportUris = ['rua=mailto:a%zz@example.com', 'ruf=mailto:%E0%A4%A@x.example', 'rua=mailto:%', 'rua=mailto:a@%zz.example', 'rua=mailto:a%2@example.com', 'rua=%zz:x'];
const badSpf = ['v=spf1 include:%{', 'v=spf1 ip4:999.1.1.1/ a:-', 'v=spf1 redirect=', `v=spf1 include:${'a'.repeat(300)}.com`, 'v=spf1 include:exämple.com', 'v=spf1 a:__proto__ -all'];
const badDkim = ['v=DKIM1; k=rsa; p=%%%', 'p=MIIB', 'v=DKIM1; k=foo; p=AAAA', '__proto__=1; p=abc', 'p==', 't=y:%zz; p=zz'];
const badSts = ['v=STSv1; id=__proto__', 'v=STSv1; id=%zz', 'v=STSv1; id=', 'v=STSv1;'];
const badBimi = ['v=BIMI1; l=http://%zz; a=', 'v=BIMI1; l=:::', 'v=BIMI1; l=https://[::1; a=https://%zz'];
const badTlsRpt = ['v=TLSRPTv1; rua=mailto:%zz', 'v=TLSRPTv1; rua=https://[::1', 'v=TLSRPTv1; __proto__=1'];

describe('malformed records are findings for their domain, never an aborted run', () => {
  it('reads a malformed report URI as a syntax error, keeping well-formed escapes', () => {
    for (const tag of badReportUris) {
      const record = parseDmarc(`v=DMARC1; p=reject; ${tag}`);
      expect(record.errors.join('; '), tag).toMatch(/not a (valid )?URI/);
    }
    expect(parseDmarc('v=DMARC1; p=reject; rua=mailto:dmarc%2Breports@example.com').rua[0]?.host).toBe('example.com');
    expect(parseDmarc('v=DMARC1; p=reject; rua=mailto:a%zz@example.com').rua[0]?.host).toBe('example.com');
    for (const tag of ['rua=mailto:a%zz@example.com', 'rua=mailto:%', 'rua=mailto:a%2@example.com']) {
      const record = parseDmarc(`v=DMARC1; p=reject; ${tag}`);
      expect(record.rua.map((u) => u.valid), tag).toEqual([false]);
    }
    // A well-formed escape that is not UTF-8 is a valid URI; it is kept as written rather than crashing.
    expect(parseDmarc('v=DMARC1; p=reject; rua=mailto:d@exa%C3mple.com').rua[0]?.host).toBe('exa%c3mple.com');
  });

  it('audits every domain of a run whose DNS holds malformed records of every type', async () => {
    const zone: Record<string, unknown> = {};
    const count = Math.max(badReportUris.length, badSpf.length, badDkim.length);
    const domains = Array.from({ length: count }, (_, i) => `d${i}.example`);
    domains.forEach((d, i) => {
      const pick = (list: string[]) => txt(list[i % list.length] as string);
      zone[`TXT _dmarc.${d}`] = txt(`v=DMARC1; p=reject; ${badReportUris[i % badReportUris.length]}`);
      zone[`TXT ${d}`] = pick(badSpf);
      zone[`TXT default._domainkey.${d}`] = pick(badDkim);
      zone[`TXT _mta-sts.${d}`] = pick(badSts);
      zone[`TXT default._bimi.${d}`] = pick(badBimi);
      zone[`TXT _smtp._tls.${d}`] = pick(badTlsRpt);
      zone[`MX ${d}`] = [{ exchange: i % 2 ? '' : '..', priority: 1 }];
    });
    zone['TXT _dmarc.good.example'] = txt('v=DMARC1; p=reject; rua=mailto:d@good.example');
    const fetchPolicy = async () => ({ status: 200, contentType: 'text/plain', body: 'version: STSv1\nmode: enforce\nmx: %zz[\nmax_age: x' });
    const targets = [...domains, 'good.example'].map((domain) => ({ domain, selectors: ['default'], sendingIps: ['192.0.2.1'] }));
    const audits = await auditDomains(targets, { resolver: fakeResolver(zone as never), fetchPolicy, discoverSelectors: false, now: Date.now, toolkit: createMailauthToolkit() }, 3);
    expect(audits.map((a) => a.domain)).toEqual([...domains, 'good.example']);
    for (const audit of audits) {
      expect(audit.checks.some((c) => c.id === 'audit.complete'), audit.domain).toBe(false);
      expect(audit.checks.length, audit.domain).toBeGreaterThan(20);
    }
    for (const audit of audits.slice(0, -1)) {
      expect(byId(audit.checks, 'dmarc.syntax').status, audit.domain).toBe('fail');
      expect(byId(audit.checks, 'spf.syntax').status, audit.domain).toBe('fail');
    }
    expect(byId(audits.at(-1)?.checks ?? [], 'dmarc.policy').status).toBe('pass');
    // An invalid rua= is no report address: it is neither reported as working nor asked about.
    const onlyBadRua = audits.filter((a) => /^rua=/.test(badReportUris[Number(a.domain.slice(1, 2))] ?? ''));
    for (const audit of onlyBadRua) {
      expect(byId(audit.checks, 'dmarc.rua'), audit.domain).toMatchObject({ status: 'warn', message: expect.stringContaining('no usable aggregate report address') });
      expect(byId(audit.checks, 'dmarc.external_rua').status, audit.domain).toBe('pass');
    }
    expect(onlyBadRua.length).toBeGreaterThanOrEqual(4);
  });

  it('keeps an unexpected failure in one domain to that domain', async () => {
    const zone = fakeResolver({ 'TXT _dmarc.b.example': txt('v=DMARC1; p=reject; rua=mailto:d@b.example') });
    const resolver: Resolver = {
      query(name, type) {
        if (name.endsWith('a.example') && type === 'MX') return Promise.reject(new TypeError('resolver bug'));
        if (name.endsWith('c.example') && type === 'TXT') return Promise.reject(new DnsError('timeout', name, type, 'ETIMEOUT'));
        return zone.query(name, type);
      },
    };
    const targets = ['a.example', 'b.example', 'c.example'].map((domain) => ({ domain, selectors: [], sendingIps: [] }));
    const [a, b, c] = await auditDomains(targets, { resolver, fetchPolicy: async () => ({ status: 404, contentType: undefined, body: '' }), discoverSelectors: false, now: Date.now, toolkit: createMailauthToolkit() }, 1);
    expect(a?.checks).toEqual([expect.objectContaining({ id: 'audit.complete', status: 'error', message: expect.stringContaining('resolver bug') })]);
    expect(a?.records).toEqual({});
    expect(renderReport([a as NonNullable<typeof a>], { colour: false })).toContain('ERR  audit.complete  the audit of a.example stopped on an internal error');
    expect(byId(b?.checks ?? [], 'dmarc.policy').status).toBe('pass');
    expect(byId(c?.checks ?? [], 'spf.present').status).toBe('error');
  });
});
