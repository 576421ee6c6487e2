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
