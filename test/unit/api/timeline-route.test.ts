import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/api/app.js';
import { TIMELINE_EVENT_LIMIT } from '../../../src/api/routes/timeline.js';
import { silentLogger } from '../../../src/log.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import type { Sql } from '../../../src/store/sql.js';

// A long range holds more events than one timeline lists: the newest are kept and the totals say what was cut.

const NOW = Date.UTC(2026, 10, 30, 15);
const HOUR = 3_600_000;
const TOKEN = 'timeline-test-token-0123456789abcdef';

const stores: Sql[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function timeline(seed: (db: Sql) => Promise<void>, range: string) {
  const db = await openStore(':memory:');
  stores.push(db);
  await seed(db);
  const app = createApp({ db, tokens: [{ name: 't', token: TOKEN, role: 'viewer' }], jobs: [], log: silentLogger, now: () => NOW });
  const response = await app.request(`/api/timeline?${range}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    listings: Array<{ at: number; event: string }>;
    changes: Array<{ observedAt: number }>;
    totals: { changes: number; audits: number; listings: number };
  };
}

/** `n` listing transitions an hour apart ending an hour before NOW, plus error transitions the timeline ignores. */
async function listings(db: Sql, n: number) {
  for (let i = 0; i < n; i++) {
    const at = NOW - (n - i) * HOUR;
    await db.run("INSERT INTO blocklist_events (at, target, zone, event, to_status) VALUES (?, '192.0.2.1', 'zen.spamhaus.org', ?, ?)", [
      at,
      i % 2 === 0 ? 'listed' : 'delisted',
      i % 2 === 0 ? 'listed' : 'clean',
    ]);
    await db.run("INSERT INTO blocklist_events (at, target, zone, event, to_status) VALUES (?, '192.0.2.1', 'bl.test', 'error_began', 'error')", [at]);
  }
}

describe('GET /api/timeline', () => {
  it('keeps the newest events of a kind beyond the limit and counts all of them', async () => {
    const n = TIMELINE_EVENT_LIMIT + 37;
    const body = await timeline((db) => listings(db, n), `from=${NOW - 30 * 24 * HOUR}&to=${NOW}`);
    expect(body.totals).toEqual({ changes: 0, audits: 0, listings: n });
    expect(body.listings).toHaveLength(TIMELINE_EVENT_LIMIT);
    expect(body.listings[0]?.at).toBe(NOW - TIMELINE_EVENT_LIMIT * HOUR);
    expect(body.listings.at(-1)?.at).toBe(NOW - HOUR);
    expect(body.listings.every((l, i, all) => i === 0 || (all[i - 1]?.at ?? 0) < l.at)).toBe(true);
  });

  it('counts only the range asked for', async () => {
    const body = await timeline(
      async (db) => {
        await listings(db, 10);
        await db.run("INSERT INTO dns_changes (domain, kind, name, change, before, after, observed_at, audit_id) VALUES ('example.com', 'spf', 'example.com', 'changed', '[\"v=spf1 -all\"]', '[\"v=spf1 mx -all\"]', ?, 1)", [NOW - 2 * HOUR]);
      },
      `from=${NOW - 4 * HOUR}&to=${NOW - HOUR}`,
    );
    expect(body.totals).toEqual({ changes: 1, audits: 0, listings: 3 });
    expect(body.listings.map((l) => l.at)).toEqual([NOW - 4 * HOUR, NOW - 3 * HOUR, NOW - 2 * HOUR]);
    expect(body.changes).toHaveLength(1);
  });
});
