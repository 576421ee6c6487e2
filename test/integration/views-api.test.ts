import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { silentLogger } from '../../src/log.js';
import { openStore } from '../../src/node/sqlite-store.js';
import type { Sql } from '../../src/store/sql.js';
import { seedDashboard } from '../support/dashboard-seed.js';

// The API calls behind the alerts and reports views, over the dashboard's seeded history in a real SQLite store.

const DAY = 86_400_000;
const TOKEN = 'views-api-test-token-0001';
const now = Date.now();
let db: Sql;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await openStore(':memory:');
  await seedDashboard(db, now);
  app = createApp({ db, tokens: [{ name: 'ops', token: TOKEN, role: 'admin' }], jobs: [], log: silentLogger, now: () => now });
});
afterAll(() => db.close());

async function get<T>(path: string): Promise<T> {
  const response = await app.request(path, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

describe('incidents over a range', () => {
  const ids = async (from: number) => (await get<{ incidents: Array<{ id: number }> }>(`/api/alerts?from=${from}&to=${now}`)).incidents.map((i) => i.id).sort();

  it('keeps open incidents always and resolved ones only when they were open within the range', async () => {
    expect(await ids(now - DAY)).toEqual([1, 2, 3]);
    expect(await ids(now - 7 * DAY)).toEqual([1, 2, 3, 4]);
    expect(await ids(now - 30 * DAY)).toEqual([1, 2, 3, 4, 5]);
  });

  it('says per incident how its notifications went', async () => {
    const { incidents } = await get<{ incidents: Array<{ id: number; notifications: unknown }> }>(`/api/alerts?from=${now - 30 * DAY}`);
    const by = new Map(incidents.map((i) => [i.id, i.notifications]));
    expect(by.get(1)).toEqual({ delivered: 3, pending: 0, failed: 0, failedChannels: [] });
    expect(by.get(2)).toEqual({ delivered: 1, pending: 0, failed: 1, failedChannels: ['hook'] });
    expect(by.get(5)).toEqual({ delivered: 0, pending: 0, failed: 0, failedChannels: [] });
  });

  it('refuses a range that ends before it starts, naming the parameter', async () => {
    const response = await app.request(`/api/alerts?from=${now}&to=${now - DAY}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'from: must be before to' });
  });

  it('gives each notification what it said and every delivery attempt', async () => {
    const { notifications } = await get<{ notifications: Array<{ channel: string; event: string; status: string; attempts: number; lastError: string | null; history: Array<{ ok: boolean; error: string | null }> }> }>(
      '/api/alerts/2',
    );
    expect(notifications.map((n) => `${n.channel} ${n.event} ${n.status} ${n.attempts}`)).toEqual(['oncall firing delivered 1', 'hook firing failed 1']);
    expect(notifications[1]?.history).toEqual([{ at: expect.any(Number), ok: false, error: 'HTTP 410 Gone from hooks.example.test' }]);
  });
});

describe('report domains and the daily pass rate', () => {
  it('lists each domain with its reports and the messages in the range', async () => {
    const week = await get<{ domains: unknown[] }>(`/api/reports/domains?from=${now - 7 * DAY}&to=${now}`);
    expect(week.domains).toEqual([{ domain: 'example.com', aggregateReports: 6, tlsReports: 1, lastReceivedAt: expect.any(Number), messages: 270, passed: 228 }]);
    const day = await get<{ domains: Array<{ messages: number }> }>(`/api/reports/domains?from=${now - DAY}&to=${now}`);
    expect(day.domains[0]?.messages).toBe(0);
  });

  it('gives messages and DMARC passes per report day, the drop when the forger started', async () => {
    const { days } = await get<{ days: Array<{ day: number; messages: number; passed: number }> }>(`/api/reports/daily?domain=example.com&from=${now - 7 * DAY}&to=${now}`);
    expect(days.map((d) => `${d.messages}/${d.passed}`)).toEqual(['39/38', '39/38', '39/38', '51/38', '51/38', '51/38']);
    expect(days.every((d) => d.day % DAY === 0)).toBe(true);
  });
});

describe('silencing from the dashboard', () => {
  const post = (body: string, contentType = 'application/json') =>
    app.request('/api/alerts/1/silence', { method: 'POST', body, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType } });

  it('refuses a bad or missing duration naming the field, and changes nothing', async () => {
    const bad = await post(JSON.stringify({ for: 'soon' }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'for: expected a duration such as 30m, 2h or 1d' });
    const empty = await post('', 'text/plain');
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ error: 'body: expected {"until": time} or {"for": duration}' });
    expect((await post('{not json')).status).toBe(400);
    expect((await get<{ incident: { silencedUntil: number | null } }>('/api/alerts/1')).incident.silencedUntil).toBeNull();
  });

  it('silences for a duration from now', async () => {
    const response = await post(JSON.stringify({ for: '4h' }));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { incident: { silencedUntil: number } }).incident.silencedUntil).toBe(now + 4 * 3_600_000);
  });
});
