import type { Sql } from '../store/sql.js';
import { bucketFor, bucketSize, DAY, type Bucket } from './range.js';
import { classRates, COUNT_COLUMNS, latencySummary, observed, rateOf, type ClassRates, type LatencySummary, type PlacementCounts } from './class-rates.js';
import { histogramSummary } from './latency-histogram.js';

export type CountKey = 'provider' | 'mailboxProvider' | 'at';

type CountRow = PlacementCounts & { provider?: string; mailboxProvider?: string; at?: number };

export interface CountWindow {
  /** The window the counts really cover: whole UTC days when read from the daily aggregates. */
  from: number;
  to: number;
  bucket: Bucket;
}

/** The window a range is counted over: whole days from the aggregates, exact hours from the verdicts. */
export function countWindow(from: number, to: number): CountWindow {
  const bucket = bucketFor(from, to);
  if (bucket === 'hour') return { from, to, bucket };
  return { from: from - (from % DAY), to: to % DAY === 0 ? to : to - (to % DAY) + DAY, bucket };
}

/** Placement counts over a window grouped by the given keys, read from the daily aggregates or the verdicts. */
function placementCounts(db: Sql, window: CountWindow, keys: readonly CountKey[]): Promise<CountRow[]> {
  const daily = window.bucket === 'day';
  const columns: Record<CountKey, string> = {
    provider: 'provider',
    mailboxProvider: 'mailbox_provider',
    at: daily ? 'day' : `test_started_at - test_started_at % ${bucketSize('hour')}`,
  };
  const sums = Object.entries(COUNT_COLUMNS).map(([name, expression]) => `SUM(${daily ? name : expression}) AS ${name}`);
  const select = [...keys.map((key) => `${columns[key]} AS ${key}`), ...sums].join(', ');
  const groups = keys.map((_, i) => String(i + 1)).join(', ');
  const sql = daily
    ? `SELECT ${select} FROM placement_daily WHERE day >= ? AND day < ? GROUP BY ${groups}`
    : `SELECT ${select} FROM verdicts WHERE test_started_at >= ? AND test_started_at < ? GROUP BY ${groups}`;
  return db.all<CountRow>(sql, [window.from, window.to]);
}

export interface SeriesPoint {
  at: number;
  samples: number;
  inbox: ClassRates['rates']['inbox'];
  spam: ClassRates['rates']['spam'];
}

export interface ProviderSeries {
  provider: string;
  points: SeriesPoint[];
}

/** The inbox (and spam) rate of each sending provider per hour or day over the window. */
export async function inboxSeries(db: Sql, window: CountWindow): Promise<ProviderSeries[]> {
  const rows = await placementCounts(db, window, ['provider', 'at']);
  const byProvider = new Map<string, SeriesPoint[]>();
  for (const row of rows) {
    const samples = observed(row);
    const point = { at: row.at as number, samples, inbox: rateOf(row.inbox, samples), spam: rateOf(row.spam, samples) };
    const list = byProvider.get(row.provider as string);
    if (list) list.push(point);
    else byProvider.set(row.provider as string, [point]);
  }
  return [...byProvider.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([provider, points]) => ({ provider, points: points.sort((a, b) => a.at - b.at) }));
}

export interface SplitRow extends ClassRates {
  key: string;
}

/** Placement rates per mailbox provider (or per sending provider) over the window. */
export async function placementSplit(db: Sql, window: CountWindow, by: 'provider' | 'mailboxProvider'): Promise<SplitRow[]> {
  const rows = await placementCounts(db, window, [by]);
  return rows.map((row) => ({ key: row[by] as string, ...classRates(row) })).sort((a, b) => a.key.localeCompare(b.key));
}

export interface MatrixCell extends ClassRates {
  provider: string;
  mailboxProvider: string;
  latency: LatencySummary;
}

/** Latency p50/p95 per provider × mailbox provider: exact from the verdicts per hour, from the daily histograms per day. */
async function latencies(db: Sql, window: CountWindow): Promise<Map<string, LatencySummary>> {
  if (window.bucket === 'hour') {
    const rows = await db.all<{ provider: string; mailbox_provider: string; latency_ms: number }>(
      'SELECT provider, mailbox_provider, latency_ms FROM verdicts WHERE test_started_at >= ? AND test_started_at < ? AND latency_ms IS NOT NULL',
      [window.from, window.to],
    );
    const values = new Map<string, number[]>();
    for (const r of rows) {
      const key = `${r.provider}\u0000${r.mailbox_provider}`;
      const list = values.get(key);
      if (list) list.push(r.latency_ms);
      else values.set(key, [r.latency_ms]);
    }
    return new Map([...values.entries()].map(([key, list]) => [key, latencySummary(list)]));
  }
  const rows = await db.all<{ provider: string; mailbox_provider: string; bucket: number; n: number }>(
    `SELECT provider, mailbox_provider, bucket, SUM(n) AS n FROM placement_latency_daily WHERE day >= ? AND day < ?
      GROUP BY provider, mailbox_provider, bucket`,
    [window.from, window.to],
  );
  const histograms = new Map<string, Map<number, number>>();
  for (const r of rows) {
    const key = `${r.provider}\u0000${r.mailbox_provider}`;
    const histogram = histograms.get(key) ?? new Map<number, number>();
    histogram.set(r.bucket, r.n);
    histograms.set(key, histogram);
  }
  return new Map([...histograms.entries()].map(([key, histogram]) => [key, histogramSummary(histogram)]));
}

/** Every sending provider × mailbox provider pair: rates with intervals, sample counts and latency p50/p95. */
export async function providerMatrix(db: Sql, window: CountWindow): Promise<MatrixCell[]> {
  const [rows, latency] = await Promise.all([placementCounts(db, window, ['provider', 'mailboxProvider']), latencies(db, window)]);
  return rows
    .map((row) => {
      const provider = row.provider as string;
      const mailboxProvider = row.mailboxProvider as string;
      return { provider, mailboxProvider, ...classRates(row), latency: latency.get(`${provider}\u0000${mailboxProvider}`) ?? latencySummary([]) };
    })
    .sort((a, b) => a.provider.localeCompare(b.provider) || a.mailboxProvider.localeCompare(b.mailboxProvider));
}
