import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { classRates, COUNT_COLUMNS, type PlacementCounts } from '../../../src/dashboard/class-rates.js';
import { histogramSummary, latencyBucket } from '../../../src/dashboard/latency-histogram.js';
import { countWindow, inboxSeries, placementSplit, providerMatrix, type CountWindow } from '../../../src/dashboard/placement.js';
import { DAY, HOUR } from '../../../src/dashboard/range.js';
import { migrate, MIGRATIONS_DIR } from '../../../src/node/sqlite-migrate.js';
import { wilson } from '../../../src/placement/rates.js';
import { openSqlite } from '../../../src/node/sqlite-store.js';
import type { Sql } from '../../../src/store/sql.js';

// The roll-ups of migrations 0017 and 0021 against a count over the raw verdicts, on a generated history whose facts
// arrive out of order, are replaced (a missing message turning up late) and are moved to another day.

const START = Date.UTC(2026, 8, 1);
const PROVIDERS = ['esp-a', 'esp-b', 'esp-c'];
const MAILBOX = ['gmail', 'outlook', 'yahoo'];
const PLACEMENTS = ['inbox', 'inbox', 'inbox', 'promotions', 'social', 'spam', 'other-folder', 'missing', 'error', 'send-error'] as const;

function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

interface Fact {
  messageId: number;
  startedAt: number;
  provider: string;
  mailboxProvider: string;
  placement: string;
  latency: number | null;
  late: number;
}

/** 40 days of four tests a day; facts listed in a shuffled order, so earlier days keep arriving after later ones. */
function history(): Fact[] {
  const rand = random(7);
  const facts: Fact[] = [];
  let messageId = 0;
  for (let day = 0; day < 40; day++) {
    for (let run = 0; run < 4; run++) {
      const startedAt = START + day * DAY + run * 6 * HOUR + Math.floor(rand() * 3 * HOUR);
      for (const provider of PROVIDERS) {
        for (const mailboxProvider of MAILBOX) {
          const placement = PLACEMENTS[Math.floor(rand() * PLACEMENTS.length)] as string;
          const latency = placement === 'missing' || placement.endsWith('error') ? null : Math.round(rand() * rand() * 400_000);
          facts.push({ messageId: ++messageId, startedAt, provider, mailboxProvider, placement, latency, late: rand() < 0.1 ? 1 : 0 });
        }
      }
    }
  }
  for (let i = facts.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [facts[i], facts[j]] = [facts[j] as Fact, facts[i] as Fact];
  }
  return facts;
}

async function store(db: Sql, facts: readonly Fact[]): Promise<void> {
  for (const f of facts) {
    await db.run("INSERT INTO tests (id, token, trigger, started_at, deadline_at, late_after_ms, providers, status) VALUES (?, ?, 'schedule', ?, ?, 0, '[]', 'complete')", [
      f.messageId,
      `t${f.messageId}`,
      f.startedAt,
      f.startedAt,
    ]);
    await db.run("INSERT INTO messages (id, test_id, provider, seed, mailbox_provider, position, message_id, from_address) VALUES (?, ?, ?, 's', ?, 0, ?, 'a@x.test')", [
      f.messageId,
      f.messageId,
      f.provider,
      f.mailboxProvider,
      `m${f.messageId}`,
    ]);
    await saveVerdict(db, f);
  }
}

/** As the placement store writes a verdict: INSERT OR REPLACE, so a later verdict on the same message replaces the first. */
function saveVerdict(db: Sql, f: Fact) {
  return db.run(
    `INSERT OR REPLACE INTO verdicts (message_id, test_id, test_started_at, provider, seed, mailbox_provider, placement, latency_ms, late, decided_at)
     VALUES (?, ?, ?, ?, 's', ?, ?, ?, ?, ?)`,
    [f.messageId, f.messageId, f.startedAt, f.provider, f.mailboxProvider, f.placement, f.latency, f.late, f.startedAt],
  );
}

/** Late arrivals and corrections, oldest days included: replaced verdicts, moved test times, changed latencies. */
async function revise(db: Sql, facts: readonly Fact[]): Promise<void> {
  for (const f of facts.slice(30).filter((x) => x.placement === 'missing').slice(0, 25)) {
    await saveVerdict(db, { ...f, placement: 'inbox', latency: 950_000, late: 1 });
  }
  for (const f of facts.slice(0, 15)) await db.run('UPDATE verdicts SET test_started_at = test_started_at - ? WHERE message_id = ?', [2 * DAY + HOUR, f.messageId]);
  for (const f of facts.slice(15, 30)) await db.run("UPDATE verdicts SET latency_ms = 12_345, placement = 'spam' WHERE message_id = ?", [f.messageId]);
}

const zero = (): PlacementCounts => Object.fromEntries(Object.keys(COUNT_COLUMNS).map((c) => [c, 0])) as unknown as PlacementCounts;
const COUNT_OF: Record<string, keyof PlacementCounts> = {
  inbox: 'inbox',
  promotions: 'promotions',
  social: 'social',
  updates: 'updates',
  forums: 'forums',
  spam: 'spam',
  'other-folder': 'other_folder',
  missing: 'missing',
  error: 'error',
  'send-error': 'send_error',
};

interface Raw {
  test_started_at: number;
  provider: string;
  mailbox_provider: string;
  placement: string;
  latency_ms: number | null;
  late: number;
}

/**
 * The chart point a verdict falls in, computed independently of the SQL: its hour, its UTC day, or its UTC
 * week from Monday 00:00 (the calendar's day of the week), a week cut by the window's start starting there.
 */
function pointOf(at: number, window: CountWindow): number {
  if (window.bucket === 'hour') return at - (at % HOUR);
  const day = at - (at % DAY);
  if (window.bucket === 'day') return day;
  const monday = day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
  return Math.max(monday, window.from);
}

/** The answers counted from the raw verdicts in [from, to). */
async function rawAnswers(db: Sql, window: CountWindow) {
  const rows = await db.all<Raw>('SELECT test_started_at, provider, mailbox_provider, placement, latency_ms, late FROM verdicts WHERE test_started_at >= ? AND test_started_at < ?', [
    window.from,
    window.to,
  ]);
  const count = (key: (r: Raw) => string) => {
    const counts = new Map<string, PlacementCounts>();
    for (const r of rows) {
      const c = counts.get(key(r)) ?? zero();
      c[COUNT_OF[r.placement] as keyof PlacementCounts]++;
      c.late += r.late;
      counts.set(key(r), c);
    }
    return counts;
  };
  const split = (key: (r: Raw) => string) =>
    [...count(key).entries()].map(([k, c]) => ({ key: k, ...classRates(c) })).sort((a, b) => a.key.localeCompare(b.key));
  const histograms = new Map<string, Map<number, number>>();
  for (const r of rows.filter((x) => x.latency_ms !== null)) {
    const h = histograms.get(`${r.provider} ${r.mailbox_provider}`) ?? new Map<number, number>();
    const bucket = latencyBucket(r.latency_ms as number);
    h.set(bucket, (h.get(bucket) ?? 0) + 1);
    histograms.set(`${r.provider} ${r.mailbox_provider}`, h);
  }
  const series = [...count((r) => `${r.provider} ${pointOf(r.test_started_at, window)}`).entries()].map(([key, c]) => {
    const [provider, at] = key.split(' ');
    const samples = classRates(c).samples;
    return { provider: provider as string, at: Number(at), samples, inbox: c.inbox };
  });
  return {
    byMailboxProvider: split((r) => r.mailbox_provider),
    byProvider: split((r) => r.provider),
    pairs: [...count((r) => `${r.provider} ${r.mailbox_provider}`).entries()]
      .map(([key, c]) => ({ key, ...classRates(c), latency: histogramSummary(histograms.get(key) ?? new Map()) }))
      .sort((a, b) => a.key.localeCompare(b.key)),
    series: PROVIDERS.map((provider) => {
      const points = series.filter((p) => p.provider === provider).sort((a, b) => a.at - b.at);
      return {
        provider,
        at: points.map((p) => p.at),
        samples: points.map((p) => p.samples),
        inbox: points.map((p) => p.inbox),
        low: points.map((p) => wilson(p.inbox, p.samples)?.low ?? null),
        high: points.map((p) => wilson(p.inbox, p.samples)?.high ?? null),
      };
    }).filter((s) => s.at.length > 0),
  };
}

// Ranges that cut days at both ends, a range that is only partly covered by facts, ranges charted per week that
// cut weeks inside the facts, and a few-hours range.
const RANGES: Array<[name: string, from: number, to: number]> = [
  ['7 days cutting both ends', START + 10 * DAY + 7 * HOUR + 123, START + 17 * DAY + 13 * HOUR],
  ['a month from before the first fact', START - 5 * DAY - HOUR, START + 25 * DAY + 1],
  ['90 days past the last fact', START + 2 * DAY + 30 * 60_000, START + 92 * DAY],
  ['the whole history on day boundaries', START - 3 * DAY, START + 43 * DAY],
  ['150 days cutting weeks at both ends (per week)', START - 100 * DAY - 5 * HOUR, START + 50 * DAY + 7 * HOUR],
  ['130 days starting on a Friday within the facts (per week)', START + 17 * DAY + 3 * HOUR, START + 147 * DAY],
  ['121 days ending on a Wednesday within the facts (per week)', START + 22 * DAY - 121 * DAY, START + 22 * DAY + 13 * HOUR],
  ['two days cut at odd minutes (per hour, exact)', START + 20 * DAY + 17 * 60_000, START + 22 * DAY + 5 * HOUR + 41 * 60_000],
];

async function expectRawAnswers(db: Sql): Promise<void> {
  for (const [name, from, to] of RANGES) {
    const window = countWindow(from, to);
    const raw = await rawAnswers(db, window);
    const matrix = await providerMatrix(db, window);
    expect(await placementSplit(db, window, 'mailboxProvider'), name).toEqual(raw.byMailboxProvider);
    expect(await placementSplit(db, window, 'provider'), name).toEqual(raw.byProvider);
    expect(matrix.map(({ provider, mailboxProvider, latency, ...rates }) => ({ key: `${provider} ${mailboxProvider}`, ...rates, latency })), name).toEqual(
      window.bucket !== 'hour' ? raw.pairs : raw.pairs.map((p) => ({ ...p, latency: expect.any(Object) })),
    );
    expect(await inboxSeries(db, window), name).toEqual(raw.series);
    if (name.endsWith('(per week)')) {
      expect(window.bucket, name).toBe('week');
      // Every point but the window's first starts on a Monday, and weeks inside the facts hold 7 days of tests.
      const at = raw.series.flatMap((x) => x.at);
      expect(at.filter((t) => t !== window.from).every((t) => new Date(t).getUTCDay() === 1), name).toBe(true);
      expect(Math.max(...raw.series.flatMap((x) => x.samples)), name).toBeGreaterThan(4 * 3 * 5);
    }
  }
}

const dirs: string[] = [];
let db: Sql | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('dashboard roll-ups (running totals and per-provider days)', () => {
  it('answer every range exactly as a count over the raw verdicts, with facts arriving out of order, replaced and moved', async () => {
    db = openSqlite(':memory:');
    await migrate(db);
    const facts = history();
    await store(db, facts);
    await expectRawAnswers(db);
    await revise(db, facts);
    await expectRawAnswers(db);
    // The revisions really happened: 15 verdicts moved two days back, 25 missing messages turned up late.
    expect(await db.first('SELECT COUNT(*) AS n FROM verdicts v JOIN tests t ON t.id = v.test_id WHERE v.test_started_at != t.started_at')).toEqual({ n: 15 });
    expect(await db.first('SELECT COUNT(*) AS n FROM verdicts WHERE latency_ms = 950000 AND late = 1')).toEqual({ n: 25 });
  });

  it('are built from the history already stored when the migration runs', async () => {
    const earlier = mkdtempSync(join(tmpdir(), 'inboxwatch-migrations-'));
    dirs.push(earlier);
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < '0017')) copyFileSync(join(MIGRATIONS_DIR, name), join(earlier, name));
    db = openSqlite(':memory:');
    await migrate(db, earlier);
    const facts = history();
    await store(db, facts);
    await revise(db, facts);
    expect(await migrate(db)).toContain('0017_dashboard_rollups.sql');
    await expectRawAnswers(db);
  });
});
