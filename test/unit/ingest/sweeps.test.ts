import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listEvents, listStatuses, recordSweep } from '../../../src/blocklists/store.js';
import { transition, type CurrentStatus } from '../../../src/blocklists/history.js';
import type { CheckResult } from '../../../src/blocklists/types.js';
import { parseBatch, type IngestBatch } from '../../../src/ingest/batch.js';
import { exportRun } from '../../../src/ingest/export-run.js';
import { importBatch } from '../../../src/ingest/import-batch.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import { finishRun, listRuns, startRun } from '../../../src/store/runs.js';
import type { Sql } from '../../../src/store/sql.js';

// Agent and server stores are both real (in-memory) SQLite with every migration; the sweeps are made up.

const result = (target: string, status: CheckResult['status'], codes: string[] = []): CheckResult => ({
  target,
  zone: 'zen.spamhaus.org',
  list: 'Spamhaus ZEN',
  status,
  severity: status === 'listed' ? 'high' : null,
  allowlisted: false,
  codes,
  meaning: status === 'listed' ? 'SBL' : null,
  reason: null,
  delistUrl: null,
  error: status === 'error' ? 'SERVFAIL' : null,
});

/** Runs a sweep on `db` the way the job records it: transitions against the store's own state, linked to a run. */
async function sweep(db: Sql, at: number, results: CheckResult[]): Promise<number> {
  const runId = await startRun(db, 'blocklists', 'schedule', at - 1000, 'agent');
  const previous = new Map((await listStatuses(db)).map((s) => [`${s.target} ${s.zone}`, s] as const));
  const statuses: CurrentStatus[] = [];
  const events = [];
  for (const r of results) {
    const step = transition(previous.get(`${r.target} ${r.zone}`), r, false, at);
    statuses.push(step.current);
    events.push(...step.events);
  }
  await recordSweep(db, { at, statuses, health: [{ zone: 'zen.spamhaus.org', list: 'Spamhaus ZEN', healthy: true, cause: null, since: at, checkedAt: at }], events, complete: true, runId });
  await finishRun(db, runId, { status: 'ok', at: at + 10, summary: `${results.length} checked` });
  return runId;
}

const batchOf = async (db: Sql, id: string, runIds: number[]): Promise<IngestBatch> =>
  parseBatch(JSON.parse(JSON.stringify({ version: 1, id, agent: 'eu-1', runs: await Promise.all(runIds.map((r) => exportRun(db, r))) })));

const deps = { caller: 'agent-token', now: () => 5_000_000 };
const eventsOf = async (db: Sql) => (await listEvents(db, { limit: 1000 })).map((e) => `${e.at} ${e.event} ${e.target}`.trim()).sort();

describe('blocklist sweeps through ingest', () => {
  let agent: Sql;
  let server: Sql;
  beforeEach(async () => {
    agent = await openStore(':memory:');
    server = await openStore(':memory:');
    // The server has runs of its own, so agent run ids cannot be reused as they are.
    for (let i = 0; i < 3; i++) await finishRun(server, await startRun(server, 'audit', 'schedule', i, 'server'), { status: 'ok', at: i + 1 });
  });
  afterEach(async () => {
    await agent.close();
    await server.close();
  });

  it('gives the server the same matrix and transitions the agent recorded, with runs under new ids', async () => {
    // Each run is read back as it finishes, as an agent does, and both go in one batch.
    const first = await sweep(agent, 1_000_000, [result('192.0.2.2', 'clean'), result('192.0.2.3', 'clean')]);
    const exported = [await exportRun(agent, first)];
    const second = await sweep(agent, 2_000_000, [result('192.0.2.2', 'listed', ['127.0.0.2']), result('192.0.2.3', 'error')]);
    exported.push(await exportRun(agent, second));
    const outcome = await importBatch(server, parseBatch(JSON.parse(JSON.stringify({ version: 1, id: 'batch-1', agent: 'eu-1', runs: exported }))), deps);
    expect(outcome).toEqual({ stored: true, runs: 2, facts: 6 });

    expect(await listStatuses(server)).toEqual(await listStatuses(agent));
    expect(await eventsOf(server)).toEqual(await eventsOf(agent));
    expect(await eventsOf(server)).toEqual(['2000000 error_began 192.0.2.3', '2000000 listed 192.0.2.2']);
    const runs = await server.all<{ id: number; job: string; agent: string; agent_run_id: number; summary: string }>("SELECT * FROM runs WHERE agent IS NOT NULL ORDER BY id");
    expect(runs).toEqual([
      expect.objectContaining({ id: 4, job: 'blocklists', agent: 'eu-1', agent_run_id: first, summary: '2 checked' }),
      expect.objectContaining({ id: 5, job: 'blocklists', agent: 'eu-1', agent_run_id: second }),
    ]);
    expect(await server.all('SELECT * FROM ingest_ids')).toEqual([]);
    // The server can read its imported runs back the same way.
    expect((await exportRun(server, 5)).job).toBe('blocklists');
  });

  it('stores a replayed batch once', async () => {
    const batch = await batchOf(agent, 'batch-2', [await sweep(agent, 1_000_000, [result('192.0.2.2', 'listed', ['127.0.0.2'])])]);
    expect((await importBatch(server, batch, deps)).stored).toBe(true);
    const again = await importBatch(server, batch, deps);
    expect(again).toEqual({ stored: false, runs: 1, facts: 2 });
    expect((await listRuns(server, { limit: 100 })).length).toBe(4);
    expect(await eventsOf(server)).toEqual(['1000000 listed 192.0.2.2']);
  });

  it('makes no transition from a sweep older than what the server already has', async () => {
    const late = await sweep(agent, 1_000_000, [result('192.0.2.2', 'listed', ['127.0.0.2'])]);
    const lateBatch = await batchOf(agent, 'late', [late]);
    const fresh = await sweep(agent, 2_000_000, [result('192.0.2.2', 'clean')]);
    // The newer sweep arrives first (another agent, or a retry that overtook the first batch).
    await importBatch(server, await batchOf(agent, 'fresh', [fresh]), deps);
    expect(await eventsOf(server)).toEqual([]);
    const outcome = await importBatch(server, lateBatch, deps);
    expect(outcome.stored).toBe(true);
    expect(await eventsOf(server)).toEqual([]);
    expect((await listStatuses(server)).map((s) => [s.status, s.checkedAt])).toEqual([['clean', 2_000_000]]);
  });

  it('refuses to export a sweep a later one has replaced, rather than shipping the later results as its own', async () => {
    const first = await sweep(agent, 1_000_000, [result('192.0.2.2', 'clean')]);
    await sweep(agent, 2_000_000, [result('192.0.2.2', 'clean')]);
    await expect(exportRun(agent, first)).rejects.toThrow(/later blocklist sweep has replaced/);
  });

  it('writes nothing when any statement of the batch fails', async () => {
    const batch = await batchOf(agent, 'doomed', [await sweep(agent, 1_000_000, [result('192.0.2.2', 'listed', ['127.0.0.2'])])]);
    await server.exec("CREATE TRIGGER refuse BEFORE INSERT ON blocklist_events BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    await expect(importBatch(server, batch, deps)).rejects.toThrow(/disk full/);
    expect(await server.all('SELECT * FROM ingest_batches')).toEqual([]);
    expect((await listRuns(server, { limit: 100 })).length).toBe(3);
    expect(await listStatuses(server)).toEqual([]);
  });
});

describe('the batch format', () => {
  const run = { id: 1, trigger: 'schedule', startedAt: 1, finishedAt: 2, status: 'ok', summary: null, error: null };
  const problem = (body: unknown) => {
    try {
      parseBatch(body);
      return 'valid';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('names the JSON path of the first problem', () => {
    expect(problem({ version: 1, id: 'b', runs: [{ job: 'blocklists', run, sweep: { at: 1, complete: true, results: [{ target: '' }], health: [] } }] })).toMatch(
      /^runs\[0\]\.sweep\.results\[0\]\.target: .* \(and \d+ more problems\)$/,
    );
    expect(problem({ version: 1, id: 'b', runs: [{ job: 'blocklists', run: { ...run, status: 'running' }, sweep: null }] })).toMatch(/^runs\[0\]\.run\.status: /);
    expect(problem({ version: 1, id: '', runs: [] })).toMatch(/^id: /);
  });

  it('names an unknown job and an unknown version', () => {
    expect(problem({ version: 1, id: 'b', runs: [{ job: 'housekeeping', run }] })).toBe('runs[0].job: unknown job "housekeeping"; ingest takes runs of blocklists, placement, audit, reports');
    expect(problem({ version: 9, id: 'b', runs: [{ job: 'blocklists', run, sweep: null }] })).toBe('version: unsupported version 9; this server reads version 1');
    expect(problem({ version: 1, id: 'b', runs: [{ job: 'blocklists', run, sweep: null, extra: 1 }] })).toBe('runs[0]: unknown field extra');
  });

  it('takes a well-formed batch', () => {
    expect(problem({ version: 1, id: 'b', runs: [{ job: 'blocklists', run, sweep: null }] })).toBe('valid');
  });
});
