import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudits, listChanges, saveAudit } from '../../../src/audit/store.js';
import type { DomainAudit } from '../../../src/audit/types.js';
import { parseBatch } from '../../../src/ingest/batch.js';
import { exportRun } from '../../../src/ingest/export-run.js';
import { importBatch } from '../../../src/ingest/import-batch.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import { finishRun, startRun } from '../../../src/store/runs.js';
import type { Sql } from '../../../src/store/sql.js';

// Real (in-memory) SQLite stores on both sides; the audits are made up.

const audit = (at: number, dmarc: string[] | null): DomainAudit => ({
  domain: 'example.test',
  startedAt: at - 500,
  finishedAt: at,
  checks: [
    { id: 'dmarc.present', subject: null, status: dmarc ? 'pass' : 'error', message: dmarc ? 'found' : 'lookup failed', remediation: null, evidence: { records: dmarc } },
    { id: 'spf.present', subject: null, status: 'warn', message: 'soft', remediation: 'use -all', evidence: { nested: { list: [1, 'two', null] } } },
  ],
  records: { dmarc: { name: '_dmarc.example.test', records: dmarc }, spf: { name: 'example.test', records: ['v=spf1 ~all'] } },
});

async function auditRun(db: Sql, at: number, dmarc: string[] | null): Promise<number> {
  const runId = await startRun(db, 'audit', 'schedule', at - 1000, 'agent');
  await saveAudit(db, audit(at, dmarc), runId);
  await finishRun(db, runId, { status: 'ok', at: at + 1 });
  return runId;
}

const ship = async (from: Sql, to: Sql, id: string, runIds: number[]) =>
  importBatch(to, parseBatch(JSON.parse(JSON.stringify({ version: 1, id, runs: await Promise.all(runIds.map((r) => exportRun(from, r))) }))), { caller: 'agent', now: () => 9e6 });

const changes = async (db: Sql) => (await listChanges(db, { limit: 100 })).map((c) => ({ kind: c.kind, change: c.change, before: c.before, after: c.after, observedAt: c.observedAt }));

describe('audits through ingest', () => {
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

  it('stores the audits, checks and record changes the agent stored', async () => {
    const runs = [
      await auditRun(agent, 1_000_000, ['v=DMARC1; p=none']),
      await auditRun(agent, 2_000_000, null),
      await auditRun(agent, 3_000_000, ['v=DMARC1; p=reject']),
    ];
    expect(await ship(agent, server, 'a1', runs)).toEqual({ stored: true, runs: 3, facts: 6 });
    const strip = (list: Awaited<ReturnType<typeof listAudits>>) => list.map(({ id: _id, ...rest }) => rest);
    expect(strip(await listAudits(server, 'example.test', { limit: 10 }))).toEqual(strip(await listAudits(agent, 'example.test', { limit: 10 })));
    expect(await changes(server)).toEqual(await changes(agent));
    expect(await changes(server)).toEqual([{ kind: 'dmarc', change: 'changed', before: ['v=DMARC1; p=none'], after: ['v=DMARC1; p=reject'], observedAt: 3_000_000 }]);
    const snapshots = 'SELECT domain, kind, records, first_seen_at, last_seen_at FROM dns_snapshots ORDER BY kind, first_seen_at';
    expect(await server.all(snapshots)).toEqual(await agent.all(snapshots));
  });

  it('compares with the server’s own snapshots, and an audit arriving late reports no change', async () => {
    await saveAudit(server, audit(5_000_000, ['v=DMARC1; p=reject']));
    const late = await auditRun(agent, 1_000_000, ['v=DMARC1; p=none']);
    await ship(agent, server, 'late', [late]);
    expect(await changes(server)).toEqual([]);
    const fresh = await auditRun(agent, 6_000_000, ['v=DMARC1; p=quarantine']);
    await ship(agent, server, 'fresh', [fresh]);
    expect(await changes(server)).toEqual([{ kind: 'dmarc', change: 'changed', before: ['v=DMARC1; p=reject'], after: ['v=DMARC1; p=quarantine'], observedAt: 6_000_000 }]);
  });
});
