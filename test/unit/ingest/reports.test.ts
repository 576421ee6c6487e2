import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../src/config/report-limits.js';
import { DnsError, type Resolver } from '../../../src/dns/types.js';
import { parseBatch } from '../../../src/ingest/batch.js';
import { exportRun } from '../../../src/ingest/export-run.js';
import { importBatch } from '../../../src/ingest/import-batch.js';
import { silentLogger } from '../../../src/log.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import { ingest, type IngestDeps } from '../../../src/reports/ingest.js';
import { reportsView } from '../../../src/reports/views.js';
import { finishRun, startRun } from '../../../src/store/runs.js';
import type { Sql } from '../../../src/store/sql.js';
import { aggregateXml, feedbackReport, gzip, tlsReportJson } from '../../support/reports.js';

// Real report parsing and storing on the agent's (in-memory) store; the resolver behind source lookups times out.

const noDns: Resolver = { query: (name, type) => Promise.reject(new DnsError('timeout', name, type, 'ETIMEOUT')) };
const encoder = new TextEncoder();
const aggregate = gzip(
  aggregateXml({ reportId: 'agg-1', records: [{ ip: '192.0.2.5', count: 12, dkimResults: [{ domain: 'reports.test', selector: 's2026', result: 'pass' }] }, { ip: '198.51.100.7', count: 3, dkim: 'fail', spf: 'fail' }] }),
);

async function reportsRun(db: Sql, at: number, files: Array<{ name: string; bytes?: Uint8Array; feedback?: string }>): Promise<number> {
  const runId = await startRun(db, 'reports', 'schedule', at, 'agent');
  const deps: IngestDeps = { db, resolver: noDns, log: silentLogger, limits: DEFAULT_LIMITS, now: () => at + 10 };
  for (const file of files) {
    await ingest(deps, file.feedback === undefined ? { name: file.name, source: 'imap', bytes: file.bytes as Uint8Array } : { name: file.name, source: 'imap', feedback: file.feedback, originalHeaders: 'Message-ID: <failed-1@reports.test>\r\nSubject: hello\r\n' });
  }
  await finishRun(db, runId, { status: 'ok', at: at + 100 });
  return runId;
}

const ship = async (from: Sql, to: Sql, id: string, runIds: number[]) =>
  importBatch(to, parseBatch(JSON.parse(JSON.stringify({ version: 1, id, runs: await Promise.all(runIds.map((r) => exportRun(from, r))) }))), { caller: 'agent', now: () => 9e12 });

const intake = (db: Sql) => db.all('SELECT received_at, source, name, sha256, size, status, kind, stored_id IS NOT NULL AS linked, error, content FROM report_intake ORDER BY id');
const view = async (db: Sql) => JSON.parse(JSON.stringify(await reportsView(db, { from: 0, to: 9e12 }), (key, value) => (key === 'id' ? undefined : value)));

describe('reports through ingest', () => {
  let agent: Sql;
  let server: Sql;
  beforeEach(async () => {
    agent = await openStore(':memory:');
    server = await openStore(':memory:');
  });
  afterEach(async () => {
    await agent.close();
    await server.close();
  });

  it('gives the server the reports, intake, selectors and source lookups the agent stored', async () => {
    const run = await reportsRun(agent, 1_000_000, [
      { name: 'agg.xml.gz', bytes: aggregate },
      { name: 'tls.json', bytes: encoder.encode(tlsReportJson()) },
      { name: 'failure.eml', feedback: feedbackReport() },
      { name: 'garbage.xml', bytes: encoder.encode('<feedback><nonsense') },
      { name: 'agg-again.xml.gz', bytes: aggregate },
    ]);
    const outcome = await ship(agent, server, 'r1', [run]);
    expect(outcome).toMatchObject({ stored: true, runs: 1 });
    expect(outcome.facts).toBeGreaterThanOrEqual(4);
    expect(await view(server)).toEqual(await view(agent));
    expect(await intake(server)).toEqual(await intake(agent));
    expect((await intake(server)).map((i) => (i as { status: string }).status)).toEqual(['stored', 'stored', 'stored', 'rejected', 'duplicate']);
    for (const table of ['dmarc_selectors', 'report_sources', 'dmarc_rows', 'tls_policies']) {
      const rows = `SELECT * FROM ${table} ORDER BY 1, 2, 3`;
      expect(await server.all(rows), table).toEqual(await agent.all(rows));
    }
    expect(await server.all('SELECT * FROM dmarc_selectors')).toEqual([expect.objectContaining({ domain: 'reports.test', selector: 's2026' })]);
    expect(await server.all('SELECT length(content) AS kept FROM report_intake WHERE status = ?', ['rejected'])).toEqual([{ kept: 19 }]);
    expect(await server.all('SELECT COUNT(*) AS n FROM report_sources')).toEqual([{ n: 3 }]);
    const shown = await view(server);
    expect(JSON.stringify(shown)).toContain('agg-1');
    expect(JSON.stringify(shown)).toContain('Example TLS Reporter');
  });

  it('keeps one copy of a report the server already had, and calls the agent’s intake of it a duplicate', async () => {
    await reportsRun(server, 500_000, [{ name: 'agg.xml.gz', bytes: aggregate }]);
    const run = await reportsRun(agent, 1_000_000, [{ name: 'agg.xml.gz', bytes: aggregate }]);
    await ship(agent, server, 'r2', [run]);
    expect(await server.all('SELECT COUNT(*) AS n FROM dmarc_reports')).toEqual([{ n: 1 }]);
    expect(await server.all('SELECT COUNT(*) AS n FROM dmarc_rows')).toEqual(await agent.all('SELECT COUNT(*) AS n FROM dmarc_rows'));
    expect(await server.all('SELECT status, stored_id FROM report_intake ORDER BY id')).toEqual([
      { status: 'stored', stored_id: 1 },
      { status: 'duplicate', stored_id: 1 },
    ]);
  });

  it('refuses report rows that would break the store or its views, naming the column', async () => {
    const run = await reportsRun(agent, 1_000_000, [{ name: 'agg.xml.gz', bytes: aggregate }]);
    const exported = JSON.parse(JSON.stringify(await exportRun(agent, run)));
    type Shape = { reports: Array<{ report: Record<string, unknown>; rows: Array<Record<string, unknown>> }> };
    const first = (r: Shape) => r.reports[0] as Shape['reports'][number];
    const problem = (mutate: (run: Shape) => void) => {
      const copy = JSON.parse(JSON.stringify(exported));
      mutate(copy);
      try {
        parseBatch({ version: 1, id: 'bad', runs: [copy] });
        return 'valid';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(problem(() => undefined)).toBe('valid');
    expect(problem((r) => void ((first(r).rows[0] as Record<string, unknown>).dkim = '[{"domain":'))).toBe('runs[0].reports[0].rows[0].dkim: expected JSON text, as the store keeps it');
    expect(problem((r) => void (first(r).report.org = null))).toMatch(/^runs\[0\]\.reports\[0\]\.report\.org: /);
    expect(problem((r) => void (first(r).report.pct = 'all'))).toMatch(/^runs\[0\]\.reports\[0\]\.report\.pct: /);
  });
});
