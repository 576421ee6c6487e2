import { describe, expect, it } from 'vitest';
import { parseAggregate } from '../../../src/reports/aggregate.js';
import { splitByDay } from '../../../src/reports/days.js';
import { decodeReport } from '../../../src/reports/decode-report.js';
import { parseFailureReport } from '../../../src/reports/failure.js';
import { sniff } from '../../../src/reports/sniff.js';
import { ReportError, type AggregateReport } from '../../../src/reports/types.js';
import { DEFAULT_LIMITS } from '../../../src/config/report-limits.js';
import { aggregateXml, billionLaughs, feedbackReport, gzip, tlsReportJson, zip, zipBomb } from '../../support/reports.js';

const record = { ip: '203.0.113.7', count: 10, dkimResults: [{ domain: 'reports.test', selector: 's1', result: 'pass' }] };

describe('aggregate reports in every form', () => {
  it('reads the RFC 7489 form', () => {
    const report = parseAggregate(aggregateXml({ records: [record] }));
    expect(report).toMatchObject({ schema: 'rfc7489', org: 'example.net', reportId: 'r-1', begin: 1767225600000, end: 1767311999000 });
    expect(report.policy).toMatchObject({ domain: 'reports.test', p: 'none', pct: 100, np: null, testing: null });
    expect(report.records[0]).toMatchObject({ sourceIp: '203.0.113.7', count: 10, dkimAligned: 'pass', envelopeFrom: 'reports.test', dkim: [{ domain: 'reports.test', selector: 's1', result: 'pass' }] });
  });

  it('reads the RFC 9990 form: its namespace, np, testing, discovery_method and generator', () => {
    const report = parseAggregate(aggregateXml({ form: 'rfc9990', records: [record] }));
    expect(report.schema).toBe('rfc9990');
    expect(report.generator).toBe('example-reporter 2.1');
    expect(report.policy).toMatchObject({ np: 'reject', testing: false, discoveryMethod: 'treewalk', pct: null });
  });

  it('reads the draft form with identities instead of identifiers', () => {
    const report = parseAggregate(aggregateXml({ form: 'draft', identities: true, records: [{ ...record, headerFrom: 'News.Reports.Test' }] }));
    expect(report.schema).toBe('draft');
    expect(report.records[0]?.headerFrom).toBe('news.reports.test');
  });

  it('normalises one element and many alike, and takes a report with no records', () => {
    const one = parseAggregate(aggregateXml({ records: [record] }));
    const two = parseAggregate(aggregateXml({ records: [record, { ...record, ip: '203.0.113.8', dkimResults: [{ domain: 'a.test', selector: 'x', result: 'pass' }, { domain: 'b.test', selector: 'y', result: 'fail' }] }] }));
    const none = parseAggregate(aggregateXml({ records: [] }));
    expect(one.records).toHaveLength(1);
    expect(two.records[1]?.dkim).toHaveLength(2);
    expect(none.records).toEqual([]);
  });

  it('tolerates a missing envelope_from and DKIM selector, <...> report ids, fractional seconds and any case of result words', () => {
    const report = parseAggregate(
      aggregateXml({
        reportId: '<abc.123@reporter.example>',
        begin: '1767225600.000',
        end: '1767311999.5',
        records: [{ ip: '2001:DB8::1', count: 3, dkim: 'FAIL', spf: 'Pass', disposition: 'Quarantine', envelopeFrom: null, dkimResults: [{ domain: 'Reports.Test', selector: null, result: 'PermError' }], spfResults: [{ domain: 'reports.test', scope: 'MFROM', result: 'SoftFail' }] }],
      }),
    );
    expect(report.reportId).toBe('abc.123@reporter.example');
    expect(report.end).toBe(1767311999500);
    expect(report.records[0]).toMatchObject({
      sourceIp: '2001:db8::1',
      envelopeFrom: null,
      dkimAligned: 'fail',
      spfAligned: 'pass',
      disposition: 'quarantine',
      dkim: [{ domain: 'reports.test', selector: null, result: 'permerror' }],
      spf: [{ scope: 'mfrom', result: 'softfail' }],
    });
  });

  it('keeps policy override reasons and decodes the predefined entities in text', () => {
    const report = parseAggregate(aggregateXml({ org: 'AT&T <Mail>', records: [{ ...record, dkim: 'fail', spf: 'fail', reasons: [{ type: 'Forwarded', comment: 'list' }, { type: 'local_policy' }] }] }));
    expect(report.org).toBe('AT&T <Mail>');
    expect(report.records[0]?.overrides).toEqual([{ type: 'forwarded', comment: 'list' }, { type: 'local_policy', comment: null }]);
  });

  it('names what is missing or wrong', () => {
    expect(() => parseAggregate(aggregateXml({ records: [{ ...record, ip: 'not-an-ip' }] }))).toThrow(/record\[0\]\.row\.source_ip: "not-an-ip"/);
    expect(() => parseAggregate('<feedback><report_metadata><org_name>x</org_name></report_metadata></feedback>')).toThrow(/date_range\.begin is missing/);
    expect(() => parseAggregate('<html><body/></html>')).toThrow(/root element is <html>/);
    expect(() => parseAggregate('<feedback><unclosed></feedback>')).toThrow(/not well-formed XML/);
  });
});

describe('containers are told by content, within limits', () => {
  const xml = aggregateXml({ records: [record] });

  it('sniffs gzip, zip, XML, JSON and mail by their first bytes', () => {
    expect(sniff(gzip(xml))).toBe('gzip');
    expect(sniff(zip('r.xml', xml))).toBe('zip');
    expect(sniff(new TextEncoder().encode(`\ufeff  ${xml}`))).toBe('xml');
    expect(sniff(new TextEncoder().encode(tlsReportJson()))).toBe('json');
    expect(sniff(new TextEncoder().encode(feedbackReport()))).toBe('email');
  });

  it('opens gzip and zip whatever the file is called', () => {
    expect((decodeReport(gzip(xml), DEFAULT_LIMITS) as AggregateReport).records).toHaveLength(1);
    expect((decodeReport(zip('example.net!reports.test!1!2.xml', xml), DEFAULT_LIMITS) as AggregateReport).org).toBe('example.net');
    expect(decodeReport(gzip(tlsReportJson()), DEFAULT_LIMITS).kind).toBe('tls');
  });

  it('refuses zip and gzip bombs as unsafe', () => {
    for (const container of ['zip', 'gzip'] as const) {
      const bomb = zipBomb(16, container);
      expect(bomb.length).toBeLessThan(50_000);
      const error = catchError(() => decodeReport(bomb, DEFAULT_LIMITS));
      expect(error.unsafe).toBe(true);
      expect(error.message).toMatch(/decompression ratio above 200:1/);
    }
  });

  it('refuses files over the compressed and uncompressed size limits', () => {
    const big = gzip(aggregateXml({ records: Array.from({ length: 2000 }, (_, i) => ({ ...record, ip: `10.0.${i >> 8}.${i & 255}` })) }));
    expect(catchError(() => decodeReport(big, { ...DEFAULT_LIMITS, maxCompressedBytes: 1000 })).message).toMatch(/the limit is 1000/);
    expect(catchError(() => decodeReport(big, { ...DEFAULT_LIMITS, maxUncompressedBytes: 100_000 })).message).toMatch(/more than 100000 bytes/);
  });

  it('refuses XML with entity declarations (billion laughs) before parsing it', () => {
    const error = catchError(() => decodeReport(new TextEncoder().encode(billionLaughs()), DEFAULT_LIMITS));
    expect(error.unsafe).toBe(true);
    expect(error.message).toMatch(/DTD or entity declarations/);
  });

  it('says what a non-report is', () => {
    expect(catchError(() => decodeReport(new Uint8Array([0, 1, 2, 3]), DEFAULT_LIMITS)).message).toMatch(/not a report/);
    expect(catchError(() => decodeReport(zip('notes.txt', 'hello'), DEFAULT_LIMITS)).message).toMatch(/no \.xml or \.json/);
    expect(catchError(() => decodeReport(gzip(xml).subarray(0, 40), DEFAULT_LIMITS)).message).toMatch(/gzip/);
  });
});

describe('SMTP TLS and failure reports', () => {
  it('reads an RFC 8460 report, single values or lists alike', () => {
    const report = decodeReport(new TextEncoder().encode(tlsReportJson()), DEFAULT_LIMITS);
    expect(report).toMatchObject({ kind: 'tls', org: 'Example TLS Reporter', begin: Date.parse('2026-01-01T00:00:00Z') });
    if (report.kind !== 'tls') throw new Error('not tls');
    expect(report.policies[0]).toMatchObject({ policyType: 'sts', policyDomain: 'reports.test', mxHosts: ['mx.reports.test'], successfulSessions: 120, failedSessions: 3 });
    expect(report.policies[0]?.failures[0]).toMatchObject({ resultType: 'certificate-expired', sendingMtaIp: '192.0.2.5', failedSessions: 3 });
  });

  it('reads an RFC 6591 auth-failure report with its folded fields and the failed message headers', () => {
    const report = parseFailureReport(feedbackReport(), 'From: "Billing" <billing@reports.test>\r\nSubject: Your invoice\r\n');
    expect(report).toMatchObject({
      authFailure: 'dmarc',
      reportedDomain: 'reports.test',
      sourceIp: '203.0.113.9',
      deliveryResult: 'reject',
      dkimSelector: 'old2019',
      authenticationResults: 'mx.example.net; dmarc=fail header.from=reports.test',
      subject: 'Your invoice',
      arrivalDate: Date.parse('2026-01-01T10:00:00Z'),
    });
    expect(() => parseFailureReport('Feedback-Type: abuse\r\n')).toThrow(/not an authentication failure report/);
  });
});

describe('spans over a day are split into UTC days', () => {
  const day = 86_400_000;
  it('keeps a one-day report on its day', () => {
    expect(splitByDay(day * 10 + 3600_000, day * 11 + 3600_000, 7)).toEqual([{ day: day * 10, count: 7 }]);
  });
  it('shares a week out in proportion, adding up to the count', () => {
    const shares = splitByDay(day * 10, day * 17, 100);
    expect(shares).toHaveLength(7);
    expect(shares.reduce((s, x) => s + x.count, 0)).toBe(100);
    expect(Math.max(...shares.map((s) => s.count)) - Math.min(...shares.map((s) => s.count))).toBeLessThanOrEqual(1);
    const half = splitByDay(day * 10 + day / 2, day * 12, 30);
    expect(half).toEqual([{ day: day * 10, count: 10 }, { day: day * 11, count: 20 }]);
  });
});

function catchError(fn: () => unknown): ReportError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ReportError) return error;
    throw error;
  }
  throw new Error('expected a ReportError');
}
