import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { discardEntries, outboxEntriesOfRun, rejectedEntries } from '../../../src/agent/outbox.js';
import type { OutgoingBatch, Transport, TransportAnswer } from '../../../src/agent/shipper.js';
import { saveAudit } from '../../../src/audit/store.js';
import type { DomainAudit } from '../../../src/audit/types.js';
import { configSchema } from '../../../src/config/schema.js';
import { parseBatch, type IngestRun } from '../../../src/ingest/batch.js';
import { exportRun } from '../../../src/ingest/export-run.js';
import { importBatch } from '../../../src/ingest/import-batch.js';
import { silentLogger } from '../../../src/log.js';
import { openAgent } from '../../../src/node/agent/agent.js';
import { MIGRATIONS_DIR, migrate } from '../../../src/node/sqlite-migrate.js';
import { openSqlite, openStore } from '../../../src/node/sqlite-store.js';
import { registerOwner } from '../../../src/store/owners.js';
import { finishRun, getRun, listRuns, startRun } from '../../../src/store/runs.js';
import type { Sql } from '../../../src/store/sql.js';

// A real SQLite buffer on disk, opened by the agent as it would be after a restart; the server is a stand-in
// that answers from a script and keeps what it was sent.

const config = configSchema.parse({});
const limits = { maxRuns: 10, maxBytes: 1_000_000 };
let dir: string;
let buffer: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'inboxwatch-agent-'));
  buffer = join(dir, 'agent.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function server(answer: () => TransportAnswer | 'unreachable') {
  const sent: OutgoingBatch[] = [];
  const transport: Transport = async (batch) => {
    const next = answer();
    if (next === 'unreachable') throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    sent.push(batch);
    return next;
  };
  return { transport, sent };
}

const start = (transport: Transport) => openAgent({ config, buffer, transport, exportRun, limits, log: silentLogger, backoff: { baseMs: 1, capMs: 1 } });

const audit = (domain: string, at: number): DomainAudit => ({
  domain,
  startedAt: at - 500,
  finishedAt: at,
  checks: [{ id: 'spf.present', subject: null, status: 'warn', message: 'soft fail', remediation: 'use -all', evidence: { records: ['v=spf1 ~all'] } }],
  records: { spf: { name: domain, records: ['v=spf1 ~all'] } },
});

/** What a SIGKILLed agent leaves behind: its owner row (a pid no longer alive) and an audit run still `running`. */
async function killedMidAudit(): Promise<number> {
  const db = await openStore(buffer);
  const dead = spawnSync('true').pid as number;
  const owner = `${hostname()}:${dead}:1:killed`;
  await registerOwner(db, { id: owner, pid: dead, host: hostname(), command: 'agent', startedAt: Date.now() - 5_000, heartbeatAt: Date.now() - 1_000 });
  const finished = await startRun(db, 'audit', 'schedule', Date.now() - 60_000, owner);
  await saveAudit(db, audit('before.test', Date.now() - 59_000), finished);
  await finishRun(db, finished, { status: 'ok', at: Date.now() - 58_000, summary: 'shipped before the crash' });
  // Queued and shipped by that process before the crash: what 0020 marks for existing buffers, done here by hand.
  await db.run('INSERT INTO agent_queued_runs (run_id, queued_at) VALUES (?, ?)', [finished, Date.now() - 58_000]);
  const run = await startRun(db, 'audit', 'schedule', Date.now() - 4_000, owner);
  await saveAudit(db, audit('first.test', Date.now() - 3_000), run);
  await db.close();
  return run;
}

async function inBuffer<T>(read: (db: Sql) => Promise<T>): Promise<T> {
  const db = await openStore(buffer);
  try {
    return await read(db);
  } finally {
    await db.close();
  }
}

it('queues a run a killed agent left running exactly once on the next starts, as interrupted with the facts it stored', async () => {
  const runId = await killedMidAudit();

  const away = server(() => 'unreachable');
  const first = await start(away.transport);
  expect(await first.status()).toMatchObject({ pending: 1 });
  await first.close(50);

  const entries = await inBuffer((db) => outboxEntriesOfRun(db, runId));
  expect(entries).toHaveLength(1);
  const payload = await inBuffer(async (db) => JSON.parse((await db.first<{ payload: string }>('SELECT payload FROM agent_outbox WHERE run_id = ?', [runId]))?.payload ?? 'null') as IngestRun);
  expect(payload).toMatchObject({ job: 'audit', run: { id: runId, status: 'interrupted', error: 'the process stopped before the run finished' } });
  expect(payload.job === 'audit' && payload.audits.map((a) => a.domain)).toEqual(['first.test']);
  expect((await inBuffer((db) => getRun(db, runId)))?.status).toBe('interrupted');

  // A second start while the server is still away: the run waits once, it is not queued again.
  const second = await start(away.transport);
  expect(await second.status()).toMatchObject({ pending: 1 });
  await second.close(50);

  const back = server(() => ({ status: 200 }));
  const third = await start(back.transport);
  expect(await third.shipper.drain()).toMatchObject({ delivered: 1 });
  await third.close(50);
  expect(back.sent.flatMap((b) => b.runs)).toHaveLength(1);

  // The server takes it as the interrupted run it is, with the audit it made.
  const central = await openStore(':memory:');
  try {
    const batch = back.sent[0] as OutgoingBatch;
    await importBatch(central, parseBatch(JSON.parse(JSON.stringify({ version: 1, id: batch.id, runs: batch.runs }))), { caller: 'probe', now: Date.now });
    expect((await listRuns(central, { limit: 10 })).map((r) => ({ job: r.job, status: r.status, error: r.error }))).toEqual([
      { job: 'audit', status: 'interrupted', error: 'the process stopped before the run finished' },
    ]);
    expect(await central.all('SELECT domain FROM audits')).toEqual([{ domain: 'first.test' }]);
  } finally {
    await central.close();
  }

  // Shipped and confirmed: later starts find nothing to queue.
  const fourth = await start(back.transport);
  expect(await fourth.status()).toMatchObject({ pending: 0 });
  await fourth.close(50);
  expect(back.sent).toHaveLength(1);
});

it('discards only the rejected run asked for, refuses nothing else silently, and never queues a discarded run again', async () => {
  const db = await openStore(buffer);
  const runs: number[] = [];
  for (const domain of ['a.test', 'b.test', 'c.test']) {
    const run = await startRun(db, 'audit', 'schedule', Date.now() - 10_000 + runs.length, 'gone-long-ago');
    await saveAudit(db, audit(domain, Date.now() - 9_000), run);
    await finishRun(db, run, { status: 'ok', at: Date.now() - 8_000 });
    runs.push(run);
  }
  await db.close();
  const [bad, good, waiting] = runs as [number, number, number];

  // The server refuses the first run (alone: a refused batch of several is split), takes the second; the third stays.
  let answered = 0;
  const refusing = server(() => (++answered === 1 ? { status: 422, error: 'runs[0].audits[0].domain: not configured' } : answered === 2 ? { status: 422, error: 'split' } : answered === 3 ? { status: 200 } : 'unreachable'));
  const agent = await start(refusing.transport);
  await agent.shipper.drain();
  const status = await agent.status();
  await agent.close(50);
  expect(status.rejected.map((r) => r.runId)).toEqual([bad]);
  expect(status.pending).toBe(1);

  const left = await inBuffer(async (buf) => {
    expect(await outboxEntriesOfRun(buf, good)).toEqual([]);
    const rejected = await rejectedEntries(buf);
    expect(rejected.map((e) => e.runId)).toEqual([bad]);
    expect(await discardEntries(buf, rejected)).toBe(1);
    return buf.all<{ run_id: number }>('SELECT run_id FROM agent_outbox');
  });
  expect(left).toEqual([{ run_id: waiting }]);

  const again = await start(server(() => 'unreachable').transport);
  const after = await again.status();
  await again.close(50);
  expect(after).toMatchObject({ pending: 1, rejected: [] });
  expect(await inBuffer((buf) => buf.all('SELECT run_id FROM agent_outbox'))).toEqual([{ run_id: waiting }]);
});

it('upgrading a buffer from before migration 0020 ships neither its history nor its waiting runs twice, but does ship a run a crash left running', async () => {
  // The buffer as an agent of the previous release left it: migrated up to 0019.
  const before = join(dir, 'migrations-0019');
  mkdirSync(before);
  for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < '0020')) copyFileSync(join(MIGRATIONS_DIR, name), join(before, name));
  const old = openSqlite(buffer);
  await migrate(old, before);
  const finished = async (domain: string) => {
    const run = await startRun(old, 'audit', 'schedule', Date.now() - 60_000, 'old-agent');
    await saveAudit(old, audit(domain, Date.now() - 59_000), run);
    await finishRun(old, run, { status: 'ok', at: Date.now() - 58_000 });
    return run;
  };
  await finished('shipped.test');
  const waiting = await finished('waiting.test');
  await old.run("INSERT INTO agent_outbox (batch_id, run_id, job, payload, bytes, queued_at) VALUES ('old-batch', ?, 'audit', '{}', 2, ?)", [waiting, Date.now() - 57_000]);
  const dead = spawnSync('true').pid as number;
  const owner = `${hostname()}:${dead}:1:old`;
  await registerOwner(old, { id: owner, pid: dead, host: hostname(), command: 'agent', startedAt: Date.now() - 5_000, heartbeatAt: Date.now() - 1_000 });
  const crashed = await startRun(old, 'audit', 'schedule', Date.now() - 4_000, owner);
  await old.close();

  const agent = await start(server(() => 'unreachable').transport);
  await agent.close(50);
  expect(await inBuffer((db) => db.all('SELECT run_id, batch_id FROM agent_outbox ORDER BY id'))).toEqual([
    { run_id: waiting, batch_id: 'old-batch' },
    { run_id: crashed, batch_id: expect.any(String) },
  ]);
});
