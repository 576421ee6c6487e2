import { describe, expect, it } from 'vitest';
import { diffRecordSets } from '../../../src/audit/changes.js';
import { gateOutcome, renderReport, reportJson } from '../../../src/audit/render.js';
import { bulkSenderCheck } from '../../../src/audit/requirements.js';
import { auditDomain } from '../../../src/audit/audit-domains.js';
import { check, type Check, type DomainAudit } from '../../../src/audit/types.js';
import { createMailauthToolkit } from '../../../src/node/mailauth-audit.js';
import { fakeResolver, txt } from './fake-resolver.js';
import { dkimPublicKey } from './keys.js';

const pass = (id: string, subject: string | null = null): Check => check(id, 'pass', 'ok', { subject });

describe('requirements.bulk_sender', () => {
  const complete = [
    ...['spf.present', 'spf.single', 'spf.syntax', 'spf.lookups', 'spf.void_lookups', 'dkim.found', 'dmarc.present', 'dmarc.single', 'dmarc.syntax'].map((id) => pass(id)),
    pass('dkim.key', 's1'),
    pass('ptr.fcrdns', '192.0.2.1'),
  ];
  it('passes when every requirement is met', () => {
    expect(bulkSenderCheck(complete).status).toBe('pass');
  });
  it('fails when one is missed, errors when one is unknown, warns when no IPs are known', () => {
    expect(bulkSenderCheck(complete.map((c) => (c.id === 'dmarc.present' ? { ...c, status: 'fail' as const } : c))).status).toBe('fail');
    expect(bulkSenderCheck(complete.map((c) => (c.id === 'spf.present' ? { ...c, status: 'error' as const } : c))).status).toBe('error');
    const noIps = complete.filter((c) => c.id !== 'ptr.fcrdns').concat(check('ptr.fcrdns', 'info', 'no IPs'));
    expect(bulkSenderCheck(noIps).status).toBe('warn');
  });
});

describe('diffRecordSets', () => {
  const before = new Map([
    ['spf', { name: 'example.com', records: ['v=spf1 -all'] }],
    ['dmarc', { name: '_dmarc.example.com', records: ['v=DMARC1; p=reject'] }],
    ['mx', { name: 'example.com', records: [] }],
  ]);
  it('reports changed, removed and added sets with the records that moved', () => {
    const changes = diffRecordSets(before, {
      spf: { name: 'example.com', records: ['v=spf1 ~all'] },
      dmarc: { name: '_dmarc.example.com', records: [] },
      mx: { name: 'example.com', records: ['10 mx.example.com'] },
      bimi: { name: 'default._bimi.example.com', records: ['v=BIMI1; l=x'] },
    });
    expect(changes.map((c) => [c.kind, c.change, c.added, c.removed])).toEqual([
      ['spf', 'changed', ['v=spf1 ~all'], ['v=spf1 -all']],
      ['dmarc', 'removed', [], ['v=DMARC1; p=reject']],
      ['mx', 'added', ['10 mx.example.com'], []],
    ]);
  });
  it('never reads an unknown set as removed', () => {
    expect(diffRecordSets(before, { dmarc: { name: '_dmarc.example.com', records: null } })).toEqual([]);
  });
});

describe('auditDomain', () => {
  const zone = {
    'TXT example.com': txt('v=spf1 ip4:192.0.2.1 -all'),
    'TXT s1._domainkey.example.com': txt(`v=DKIM1; p=${dkimPublicKey('rsa', 2048)}`),
    'TXT _dmarc.example.com': txt('v=DMARC1; p=reject; rua=mailto:d@example.com'),
    'MX example.com': [{ exchange: 'mx.example.com', priority: 10 }],
    'A mx.example.com': ['192.0.2.1'],
    'PTR 1.2.0.192.in-addr.arpa': ['mx.example.com'],
  };
  const deps = (resolver: ReturnType<typeof fakeResolver>) => ({
    resolver,
    fetchPolicy: async () => ({ status: 404, contentType: undefined, body: '' }),
    toolkit: createMailauthToolkit(),
    discoverSelectors: false,
    now: () => 1_700_000_000_000,
  });

  it('runs every area and sends independent queries before any answer arrives', async () => {
    const resolver = fakeResolver(zone);
    let inFlightAtFirstAnswer = 0;
    const slow = {
      queries: resolver.queries,
      async query<T extends Parameters<typeof resolver.query>[1]>(name: string, type: T) {
        const answer = resolver.query(name, type);
        await new Promise((r) => setTimeout(r, 5));
        inFlightAtFirstAnswer ||= resolver.queries.length;
        return answer;
      },
    };
    const audit = await auditDomain({ domain: 'Example.com.', selectors: ['s1'], sendingIps: ['192.0.2.1'] }, deps(slow as typeof resolver));
    expect(audit.domain).toBe('example.com');
    expect(audit.checks.filter((c) => c.status === 'fail' || c.status === 'error')).toEqual([]);
    expect(audit.checks.at(-1)).toMatchObject({ id: 'requirements.bulk_sender', status: 'pass' });
    // SPF, DMARC walk (2 levels), DKIM, MX, MTA-STS, TLS-RPT, BIMI and PTR all start together.
    expect(inFlightAtFirstAnswer).toBeGreaterThanOrEqual(9);
    expect(Object.keys(audit.records).sort()).toEqual(['bimi', 'dkim:s1', 'dmarc', 'mta_sts', 'mx', 'ptr:192.0.2.1', 'spf', 'tls_rpt']);
  });

  it('renders a report grouped by area and JSON in the documented shape', async () => {
    const audit: DomainAudit = await auditDomain({ domain: 'example.com', selectors: ['s1'], sendingIps: [] }, deps(fakeResolver(zone)));
    const text = renderReport([audit], { colour: false });
    expect(text).toMatch(/^example\.com — /);
    expect(text).toContain('  DMARC\n    PASS dmarc.present');
    expect(text).not.toContain('\x1b[');
    const json = reportJson([audit]);
    expect(Object.keys(json.domains[0]!)).toEqual(['domain', 'checks', 'records']);
    expect(Object.keys(json.domains[0]!.checks[0]!)).toEqual(['id', 'subject', 'status', 'message', 'remediation', 'evidence']);
    expect(gateOutcome([audit], 'fail')).toBe('passed');
    expect(gateOutcome([audit], 'warn')).toBe('failed');
    const undetermined: DomainAudit = { ...audit, checks: audit.checks.map((c) => (c.status === 'warn' ? { ...c, status: 'error' as const } : c)) };
    expect(gateOutcome([undetermined], 'warn')).toBe('undetermined');
  });
});

describe('limitInFlight', () => {
  it('never lets more than the limit run, even when new queries arrive as others finish', async () => {
    const { limitInFlight } = await import('../../../src/audit/limit.js');
    let active = 0;
    let peak = 0;
    const slow = {
      async query(name: string) {
        peak = Math.max(peak, ++active);
        await new Promise((r) => setTimeout(r, name.length % 3));
        active--;
        return { name, type: 'A' as const, status: 'ok' as const, records: [], ttl: 1 };
      },
    };
    const limited = limitInFlight(slow as never, 4);
    const burst = async (n: number) => Promise.all(Array.from({ length: n }, (_, i) => limited.query(`n${'x'.repeat(i)}.test`, 'A')));
    await Promise.all([burst(30), new Promise((r) => setTimeout(r, 1)).then(() => burst(30))]);
    expect(peak).toBe(4);
  });
});
