import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import type { IngestRun } from '../../../src/ingest/batch.js';
import type { Logger } from '../../../src/log.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import type { Sql } from '../../../src/store/sql.js';

// The shared Hono app over an in-memory store; the after-ingest hook is the alert evaluation's place.

const AGENT = 'route-agent-token-0123456789';
const run = { id: 7, trigger: 'schedule', startedAt: 1000, finishedAt: 2000, status: 'ok', summary: 'nothing to check', error: null };
const body = (id: string) => JSON.stringify({ version: 1, id, runs: [{ job: 'blocklists', run, sweep: null }] });

describe('POST /api/ingest', () => {
  let db: Sql;
  const errors: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn() {}, error: (message, fields) => errors.push(`${message} ${JSON.stringify(fields)}`) };
  beforeEach(async () => {
    db = await openStore(':memory:');
    errors.length = 0;
  });
  afterEach(() => db.close());

  const appWith = (onIngested: (runs: readonly IngestRun[]) => Promise<void>) =>
    createApp({ db, tokens: [{ name: 'eu-1', token: AGENT, role: 'agent' }], jobs: [], log, onIngested });
  const post = (app: ReturnType<typeof appWith>, id: string) => app.request('/api/ingest', { method: 'POST', headers: { authorization: `Bearer ${AGENT}` }, body: body(id) });

  it('calls the hook once per stored batch, not for a duplicate', async () => {
    const seen: string[] = [];
    const app = appWith(async (runs) => {
      seen.push(runs.map((r) => `${r.job} ${r.run.id}`).join());
    });
    expect(await (await post(app, 'b1')).json()).toEqual({ batch: 'b1', stored: true, runs: 1, facts: 0 });
    expect(await (await post(app, 'b1')).json()).toEqual({ batch: 'b1', duplicate: true, runs: 1, facts: 0 });
    expect(seen).toEqual(['blocklists 7']);
    expect(await db.all('SELECT job, agent, agent_run_id, summary FROM runs')).toEqual([{ job: 'blocklists', agent: 'eu-1', agent_run_id: 7, summary: 'nothing to check' }]);
  });

  it('logs a failing hook and still answers that the batch was stored', async () => {
    const app = appWith(async () => {
      throw new Error('alert channel down');
    });
    const response = await post(app, 'b2');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ stored: true });
    expect(errors).toEqual([expect.stringContaining('alert channel down')]);
  });
});

describe('POST /api/ingest with a batch the store cannot take', () => {
  it('answers 422 naming the conflict and stores nothing, so the agent stops resending it', async () => {
    const db = await openStore(':memory:');
    await db.run("INSERT INTO tests (id, token, trigger, started_at, deadline_at, late_after_ms, providers, status) VALUES (1, 'other', 'cli', 1, 2, 1, '[]', 'complete')");
    await db.run("INSERT INTO messages (test_id, provider, seed, mailbox_provider, position, message_id, from_address) VALUES (1, 'p', 's@x.test', 'gmail', 0, '<taken@x.test>', 'a@x.test')");
    const app = createApp({ db, tokens: [{ name: 'eu-1', token: AGENT, role: 'agent' }], jobs: [], log: { debug() {}, info() {}, warn() {}, error() {} } });
    const message = {
      provider: 'p', seed: 's@x.test', mailboxProvider: 'gmail', position: 0, messageId: '<taken@x.test>', fromAddress: 'a@x.test', sendStatus: 'sent',
      sendStartedAt: 1, sentAt: 2, response: '250 ok', queueId: null, sendError: null, verdict: null,
    };
    const test = { id: 9, token: 'mine', trigger: 'schedule', startedAt: 1000, deadlineAt: 2000, lateAfterMs: 500, providers: ['p'], finishedAt: 2000, messages: [message] };
    const body = JSON.stringify({ version: 1, id: 'conflict', runs: [{ job: 'placement', run: { ...run, id: 8 }, tests: [test], lateVerdicts: [], seeds: [] }] });
    const response = await app.request('/api/ingest', { method: 'POST', headers: { authorization: `Bearer ${AGENT}` }, body });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: string }).error).toMatch(/^the batch conflicts with what the server holds: UNIQUE constraint failed: messages\.message_id/);
    expect(await db.all("SELECT token FROM tests")).toEqual([{ token: 'other' }]);
    expect(await db.all('SELECT * FROM runs')).toEqual([]);
    expect(await db.all('SELECT * FROM ingest_batches')).toEqual([]);
    await db.close();
  });
});
