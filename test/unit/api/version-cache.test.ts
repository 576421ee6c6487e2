import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import type { ScheduledJob } from '../../../src/jobs/table.js';
import { silentLogger } from '../../../src/log.js';
import { openSqlite, openStore, type SqliteStore } from '../../../src/node/sqlite-store.js';
import type { Sql } from '../../../src/store/sql.js';
import { seedDashboard } from '../../support/dashboard-seed.js';

// The dashboard's answers are kept per data version. These show they are never served after a write, by this
// process or another one, and that a write landing while an answer is computed keeps that answer out.

const NOW = Date.UTC(2026, 10, 30, 15);
const DAY = 86_400_000;
const TOKEN = 'cache-test-token-0123456789abcdef';
const RANGE = `from=${NOW - 7 * DAY}&to=${NOW}`;

/** The store with its reads counted, and a hook that runs before a chosen query (to write in the middle of an answer). */
function counting(store: SqliteStore) {
  const counter = { reads: 0, before: undefined as { match: string; run: () => Promise<void> } | undefined };
  const read =
    <K extends 'all' | 'first'>(method: K) =>
    async (sql: string, params?: Parameters<Sql['all']>[1]) => {
      counter.reads++;
      const hook = counter.before;
      if (hook && sql.includes(hook.match)) {
        counter.before = undefined;
        await hook.run();
      }
      return store[method](sql, params);
    };
  const db: SqliteStore = { ...store, all: read('all') as Sql['all'], first: read('first') as Sql['first'] };
  return { db, counter };
}

const dirs: string[] = [];
const stores: Sql[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** One job whose running state lives in the scheduler, not in the store. */
const running: string[] = [];
const audit: ScheduledJob = {
  job: { name: 'audit', description: 'audits the domains', run: async () => ({ status: 'ok', summary: 'nothing' }) },
  schedule: '15 * * * *',
  idleReason: undefined,
};

async function setup(file = ':memory:') {
  const store = await openStore(file);
  stores.push(store);
  await seedDashboard(store, NOW);
  const { db, counter } = counting(store);
  const app = createApp({
    db,
    dataVersion: store.dataVersion,
    tokens: [{ name: 't', token: TOKEN, role: 'viewer' }],
    jobs: [audit],
    running: () => [...running],
    log: silentLogger,
    now: () => NOW,
  });
  const get = async (path: string) => {
    const before = counter.reads;
    const response = await app.request(path, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status, path).toBe(200);
    return { body: (await response.json()) as Record<string, unknown>, reads: counter.reads - before };
  };
  return { store, counter, get };
}

const listed = (body: Record<string, unknown>) => (body.notClean as Array<{ target: string; zone: string; status: string }>).map((s) => `${s.target} ${s.zone} ${s.status}`);
const samples = (body: Record<string, unknown>) => (body.matrix as Array<{ samples: number }>).reduce((sum, c) => sum + c.samples, 0);

describe('answers kept per data version', () => {
  it('are served again while nothing is written, and recomputed after every write through this process', async () => {
    const { store, get } = await setup();
    const first = await get('/api/blocklists');
    expect(first.reads).toBeGreaterThan(0);
    const again = await get('/api/blocklists');
    expect(again.reads).toBe(0);
    expect(again.body).toEqual(first.body);

    await store.run("UPDATE blocklist_status SET status = 'listed' WHERE target = '198.51.100.7' AND zone = 'zen.spamhaus.org'");
    const after = await get('/api/blocklists');
    expect(after.reads).toBeGreaterThan(0);
    expect(listed(after.body)).toContain('198.51.100.7 zen.spamhaus.org listed');
    expect(listed(first.body)).not.toContain('198.51.100.7 zen.spamhaus.org listed');

    const providers = await get(`/api/providers?${RANGE}`);
    await store.run("UPDATE verdicts SET test_started_at = ? WHERE message_id = (SELECT MIN(message_id) FROM verdicts WHERE test_started_at < ?)", [NOW - DAY, NOW - 10 * DAY]);
    expect(samples((await get(`/api/providers?${RANGE}`)).body)).toBe(samples(providers.body) + 1);
  });

  it('see a commit by another connection to the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inboxwatch-cache-'));
    dirs.push(dir);
    const { get } = await setup(join(dir, 'db.sqlite'));
    const other = openSqlite(join(dir, 'db.sqlite'));
    stores.push(other);
    const before = await get('/api/overview?' + RANGE);
    expect((await get('/api/overview?' + RANGE)).reads).toBeLessThan(before.reads);
    await other.run("UPDATE blocklist_status SET status = 'listed', since = ? WHERE target = '198.51.100.7' AND zone = 'zen.spamhaus.org'", [NOW]);
    const after = await get('/api/overview?' + RANGE);
    const listings = (body: Record<string, unknown>) => (body.listings as Array<{ target: string; zone: string }>).map((l) => `${l.target} ${l.zone}`);
    expect(listings(after.body)).toContain('198.51.100.7 zen.spamhaus.org');
    expect(listings(before.body)).not.toContain('198.51.100.7 zen.spamhaus.org');
  });

  it('follow the scheduler: the overview is kept per data version and job states', async () => {
    const { get } = await setup();
    const jobs = (body: Record<string, unknown>) => (body.jobs as Array<{ name: string; running: boolean }>).map((j) => `${j.name} ${j.running}`);
    const first = await get(`/api/overview?${RANGE}`);
    expect(jobs(first.body)).toEqual(['audit false']);
    // Kept: only the job states' own read (the audit job's last run) happens again.
    expect((await get(`/api/overview?${RANGE}`)).reads).toBe(1);
    running.push('audit');
    try {
      const started = await get(`/api/overview?${RANGE}`);
      expect(jobs(started.body)).toEqual(['audit true']);
      expect(started.reads).toBeGreaterThan(1);
    } finally {
      running.length = 0;
    }
  });

  it('do not keep an answer computed while a write landed, and leave ranges that default to now alone', async () => {
    const { store, counter, get } = await setup();
    counter.before = { match: 'blocklist_status', run: async () => void (await store.run("UPDATE blocklist_status SET status = 'error' WHERE zone = 'zen.spamhaus.org'")) };
    await get('/api/blocklists');
    const next = await get('/api/blocklists');
    expect(next.reads).toBeGreaterThan(0);
    expect((next.body.cells as string[][]).flat()).toContain('error');
    expect((await get('/api/blocklists')).reads).toBe(0);

    await get('/api/providers');
    expect((await get('/api/providers')).reads).toBeGreaterThan(0);
  });
});
