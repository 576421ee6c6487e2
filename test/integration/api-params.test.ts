import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { configVersionRoutes } from '../../src/api/routes/config-versions.js';
import { parseInstant } from '../../src/api/params.js';
import { silentLogger } from '../../src/log.js';
import { openStore } from '../../src/node/sqlite-store.js';
import type { Sql } from '../../src/store/sql.js';

// The real Hono app over a real (in-memory) SQLite store, asked the way a client asks over HTTP.

const TOKEN = 'api-params-test-token-0001';
let db: Sql;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await openStore(':memory:');
  // With the Workers-only routes mounted too, so every route either runtime serves is covered.
  app = createApp({
    db,
    tokens: [{ name: 'admin', token: TOKEN, role: 'admin' }],
    jobs: [],
    log: silentLogger,
    runtimeRoutes: [{ path: '/config', routes: configVersionRoutes({ db, now: Date.now }) }],
  });
});
afterAll(() => db.close());

async function get(path: string, method = 'GET'): Promise<{ status: number; error?: string }> {
  const response = await app.request(path, { method, headers: { authorization: `Bearer ${TOKEN}` }, body: method === 'PUT' ? 'server: {}\n' : method === 'POST' ? '{}' : undefined });
  const body = (await response.json()) as { error?: string };
  return { status: response.status, error: body.error };
}

/** Every GET route the app has, with its path parameters filled in with valid values. */
function routes(): string[] {
  const paths = app.routes.filter((r) => r.method === 'GET' && !r.path.endsWith('*')).map((r) => r.path.replace(':domain', 'example.com').replace(':id', '1'));
  return [...new Set(paths)];
}

describe('API query parameters', () => {
  it('knows the routes it checks', () => {
    expect(routes()).toEqual(
      expect.arrayContaining(['/api/config', '/api/config/versions', '/healthz', '/api/runs', '/api/jobs', '/api/domains', '/api/domains/example.com/audits', '/api/domains/example.com/changes', '/api/blocklists', '/api/blocklists/events', '/api/tests', '/api/tests/1', '/api/placement', '/api/seeds', '/api/alerts', '/api/alerts/1', '/api/reports/domains', '/api/reports/daily', '/api/reports/sources']),
    );
  });

  it.each(['bogus=1', 'limit=5&lmit=5', 'from=1&to=2&foo='])('refuses unknown parameters on every route: ?%s', async (query) => {
    for (const path of routes()) {
      const { status, error } = await get(`${path}?${query}`);
      expect({ path, status }).toEqual({ path, status: 400 });
      expect(error).toMatch(/unknown parameter|empty/);
    }
  });

  it('refuses unknown parameters on writes too, and changes nothing', async () => {
    expect(await get('/api/config?dryRun=1', 'PUT')).toEqual({ status: 400, error: 'unknown parameter dryRun' });
    expect(await get('/api/ingest?dryRun=1', 'POST')).toEqual({ status: 400, error: 'unknown parameter dryRun' });
    expect(await db.all('SELECT * FROM ingest_batches')).toEqual([]);
    expect((await get('/api/config')).status).toBe(404);
  });

  it.each([
    ['/api/runs?limit=', 'limit: empty'],
    ['/api/runs?before=', 'before: empty'],
    ['/api/runs?job=', 'job: empty'],
    ['/api/tests?limit=', 'limit: empty'],
    ['/api/blocklists/events?from=', 'from: empty'],
    ['/api/domains/example.com/audits?to=', 'to: empty'],
    ['/api/placement?groupBy=', 'groupBy: empty'],
  ])('refuses an empty parameter instead of reading it as 0: %s', async (path, message) => {
    expect(await get(path)).toEqual({ status: 400, error: expect.stringContaining(message) });
  });

  it.each(['-1', 'abc 1', '%00', '1e3', '0x10', ' 5', '5 ', '+5', '2026-02-30', '2026-13-01', '2026-11-01T08:00', '2026-11-01 08:00Z', 'Sun, 01 Nov 2026', '99999999999999999', '2026-11-01T24:00Z'])(
    'parses dates strictly on every route that takes them: from=%s is a 400',
    async (value) => {
      const encoded = value === '%00' ? value : encodeURIComponent(value);
      for (const path of ['/api/placement', '/api/blocklists/events', '/api/domains/example.com/audits', '/api/domains/example.com/changes']) {
        const { status, error } = await get(`${path}?from=${encoded}`);
        expect({ path, status }).toEqual({ path, status: 400 });
        expect(error).toMatch(/^from: expected epoch milliseconds or an ISO 8601 date/);
      }
      expect((await get(`/api/runs?before=${encoded}`)).status).toBe(400);
    },
  );

  it.each(['0', '-1', '1.5', '1e2', 'abc', '501', '00'])('checks counts strictly: limit=%s is a 400', async (value) => {
    expect((await get(`/api/runs?limit=${value}`)).status).toBe(400);
    expect((await get(`/api/tests?limit=${value}`)).status).toBe(400);
  });

  it('refuses a parameter given twice and a test id that is not plain digits', async () => {
    expect(await get('/api/runs?limit=5&limit=6')).toEqual({ status: 400, error: 'limit: given 2 times; give it once' });
    for (const id of ['1e3', '0x1', '-1', '0']) expect((await get(`/api/tests/${id}`)).status).toBe(400);
  });

  it('still takes every documented form', async () => {
    expect((await get('/api/runs?limit=5&job=audit&before=1764460800000')).status).toBe(200);
    expect((await get('/api/placement?from=2026-11-01&to=2026-11-08T12:30:00.5%2B01:00&groupBy=day')).status).toBe(200);
    expect((await get('/api/blocklists/events?from=0&to=1764460800000&limit=1000')).status).toBe(200);
    expect((await get('/api/domains/example.com/changes?from=2026-11-01T00:00:00Z')).status).toBe(200);
    expect((await get('/api/tests/1')).status).toBe(404);
    expect(parseInstant('2026-11-01')).toBe(Date.UTC(2026, 10, 1));
    expect(parseInstant('2026-11-01T08:00:00+02:00')).toBe(Date.UTC(2026, 10, 1, 6));
    expect(parseInstant('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
  });
});
