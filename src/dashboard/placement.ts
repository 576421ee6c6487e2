import type { Sql } from '../store/sql.js';
import { bucketFor, DAY, HOUR, WEEK, weekOf, type Bucket } from './range.js';
import { wilson } from '../placement/rates.js';
import { classRates, COUNT_COLUMNS, latencySummary, observed, type ClassRates, type LatencySummary, type PlacementCounts } from './class-rates.js';
import { histogramSummary, LATENCY_EDGES_MS } from './latency-histogram.js';

export interface CountWindow {
  /** The window the counts really cover: whole UTC days when read from the daily aggregates (per day or week). */
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

const COUNT_NAMES = Object.keys(COUNT_COLUMNS) as Array<keyof PlacementCounts>;
const LATENCY_BUCKETS = LATENCY_EDGES_MS.length + 1;
const LATENCY_COLUMNS = Array.from({ length: LATENCY_BUCKETS }, (_, i) => `latency_${i}`);

/** One sending provider × mailbox provider over a window: its placement counts and its latency histogram (bucket → messages). */
interface PairCounts extends PlacementCounts {
  provider: string;
  mailboxProvider: string;
  latency: Map<number, number>;
}

type RunningRow = PlacementCounts & { provider: string; mailboxProvider: string } & Record<string, number | string>;

/** Each pair's running totals (migration 0017) up to the end of the last day before `before`. */
function runningBefore(db: Sql, before: number): Promise<RunningRow[]> {
  return db.all<RunningRow>(
    `SELECT r.provider, r.mailbox_provider AS mailboxProvider, ${[...COUNT_NAMES, ...LATENCY_COLUMNS].map((c) => `r.${c}`).join(', ')}
       FROM placement_pairs p JOIN placement_running r ON r.provider = p.provider AND r.mailbox_provider = p.mailbox_provider
        AND r.day = (SELECT MAX(day) FROM placement_running WHERE provider = p.provider AND mailbox_provider = p.mailbox_provider AND day < ?)`,
    [before],
  );
}

/** Counts over whole days: the running totals at the window's end minus those at its start, a fixed number of rows for any length. */
async function pairCountsOfDays(db: Sql, window: CountWindow): Promise<PairCounts[]> {
  const [end, start] = await Promise.all([runningBefore(db, window.to), runningBefore(db, window.from)]);
  const before = new Map(start.map((row) => [`${row.provider}\u0000${row.mailboxProvider}`, row]));
  const pairs: PairCounts[] = [];
  for (const row of end) {
    const earlier = before.get(`${row.provider}\u0000${row.mailboxProvider}`);
    const less = (column: string) => Number(row[column]) - Number(earlier?.[column] ?? 0);
    const counts = Object.fromEntries(COUNT_NAMES.map((name) => [name, less(name)])) as unknown as PlacementCounts;
    const latency = new Map<number, number>();
    LATENCY_COLUMNS.forEach((column, bucket) => {
      const n = less(column);
      if (n !== 0) latency.set(bucket, n);
    });
    if (latency.size > 0 || COUNT_NAMES.some((name) => counts[name] !== 0)) pairs.push({ provider: row.provider, mailboxProvider: row.mailboxProvider, ...counts, latency });
  }
  return pairs;
}

/** Counts over a few days, per pair, exact to the millisecond from the verdicts (through their covering index). */
function pairCountsOfHours(db: Sql, window: CountWindow): Promise<Array<PlacementCounts & { provider: string; mailboxProvider: string }>> {
  return db.all(
    `SELECT provider, mailbox_provider AS mailboxProvider, ${Object.entries(COUNT_COLUMNS).map(([name, expression]) => `SUM(${expression}) AS ${name}`).join(', ')}
       FROM verdicts WHERE test_started_at >= ? AND test_started_at < ? GROUP BY provider, mailbox_provider`,
    [window.from, window.to],
  );
}

/**
 * One sending provider's inbox rate over time, as columns (index i of each array is one hour, day or week): a
 * year of ten providers is a few number arrays rather than thousands of objects to encode and send.
 */
export interface ProviderSeries {
  provider: string;
  /**
   * Start of each hour, UTC day or UTC week, epoch ms, ascending. A week runs from Monday 00:00 UTC; the first
   * week of a window that starts mid-week starts at the window's start, so each point counts the days of its
   * week that lie inside the window (the last one ends at the window's end).
   */
  at: number[];
  /** Messages whose fate was observed: the denominator of the rate. */
  samples: number[];
  /** Of those, in the inbox; the rate is inbox / samples. */
  inbox: number[];
  /** The rate's 95% Wilson interval, null where there are no samples. */
  low: Array<number | null>;
  high: Array<number | null>;
}

type SeriesRow = { provider: string; at: number; samples: number; inbox: number };

/** Per hour, from the verdicts through their covering index (ranges of three days or less). */
async function hourlyRows(db: Sql, window: CountWindow): Promise<SeriesRow[]> {
  const rows = await db.all<PlacementCounts & { provider: string; at: number }>(
    `SELECT provider, test_started_at - test_started_at % ${HOUR} AS at, ${Object.entries(COUNT_COLUMNS)
      .map(([name, expression]) => `SUM(${expression}) AS ${name}`)
      .join(', ')}
       FROM verdicts WHERE test_started_at >= ? AND test_started_at < ? GROUP BY 1, 2`,
    [window.from, window.to],
  );
  return rows.map((row) => ({ provider: row.provider, at: row.at, samples: observed(row), inbox: row.inbox }));
}

/** Per UTC day, the per-provider daily counts as they are. */
function dailyRows(db: Sql, window: CountWindow): Promise<SeriesRow[]> {
  return db.all<SeriesRow>('SELECT provider, day AS at, samples, inbox FROM placement_provider_daily WHERE day >= ? AND day < ?', [window.from, window.to]);
}

/**
 * Per UTC week: the weekly counts (migration 0021) for the weeks the window holds whole, and the daily counts
 * summed for the part weeks at either end. Counts add, so each week's rate and interval are exact over its days.
 */
function weeklyRows(db: Sql, window: CountWindow): Promise<SeriesRow[]> {
  const firstWhole = Math.min(weekOf(window.from + WEEK - DAY), window.to);
  const afterWhole = Math.max(weekOf(window.to), firstWhole);
  return db.all<SeriesRow>(
    `SELECT provider, week AS at, samples, inbox FROM placement_provider_weekly WHERE week >= ? AND week < ?
     UNION ALL
     SELECT provider, MAX(day - (day + ${3 * DAY}) % ${WEEK}, ?) AS at, SUM(samples) AS samples, SUM(inbox) AS inbox
       FROM placement_provider_daily WHERE (day >= ? AND day < ?) OR (day >= ? AND day < ?) GROUP BY provider, 2`,
    [firstWhole, afterWhole, window.from, window.from, firstWhole, afterWhole, window.to],
  );
}

const SERIES_ROWS: Record<Bucket, (db: Sql, window: CountWindow) => Promise<SeriesRow[]>> = { hour: hourlyRows, day: dailyRows, week: weeklyRows };

/** The inbox rate of each sending provider per hour, UTC day or UTC week, as the window's bucket says. */
export async function inboxSeries(db: Sql, window: CountWindow): Promise<ProviderSeries[]> {
  const rows = await SERIES_ROWS[window.bucket](db, window);
  const byProvider = new Map<string, ProviderSeries>();
  for (const row of rows.sort((a, b) => a.at - b.at)) {
    let series = byProvider.get(row.provider);
    if (!series) {
      series = { provider: row.provider, at: [], samples: [], inbox: [], low: [], high: [] };
      byProvider.set(row.provider, series);
    }
    const interval = wilson(row.inbox, row.samples);
    series.at.push(row.at);
    series.samples.push(row.samples);
    series.inbox.push(row.inbox);
    series.low.push(interval?.low ?? null);
    series.high.push(interval?.high ?? null);
  }
  return [...byProvider.values()].sort((a, b) => a.provider.localeCompare(b.provider));
}

export interface SplitRow extends ClassRates {
  key: string;
}

function addCounts(into: PlacementCounts, from: PlacementCounts): void {
  for (const name of COUNT_NAMES) into[name] += from[name];
}

/** Placement rates per mailbox provider (or per sending provider) over the window. */
export async function placementSplit(db: Sql, window: CountWindow, by: 'provider' | 'mailboxProvider'): Promise<SplitRow[]> {
  const pairs = window.bucket !== 'hour' ? await pairCountsOfDays(db, window) : await pairCountsOfHours(db, window);
  const totals = new Map<string, PlacementCounts>();
  for (const pair of pairs) {
    const total = totals.get(pair[by]) ?? (Object.fromEntries(COUNT_NAMES.map((name) => [name, 0])) as unknown as PlacementCounts);
    addCounts(total, pair);
    totals.set(pair[by], total);
  }
  return [...totals.entries()].map(([key, counts]) => ({ key, ...classRates(counts) })).sort((a, b) => a.key.localeCompare(b.key));
}

export interface MatrixCell extends ClassRates {
  provider: string;
  mailboxProvider: string;
  latency: LatencySummary;
}

/** Exact latency p50/p95 per pair from the verdicts of a window of hours. */
async function latenciesOfHours(db: Sql, window: CountWindow): Promise<Map<string, LatencySummary>> {
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

/** Every sending provider × mailbox provider pair: rates with intervals, sample counts and latency p50/p95. */
export async function providerMatrix(db: Sql, window: CountWindow): Promise<MatrixCell[]> {
  let cells: MatrixCell[];
  if (window.bucket !== 'hour') {
    // Latency over days comes from the daily histograms: each percentile within its bucket of the exact one.
    cells = (await pairCountsOfDays(db, window)).map(({ provider, mailboxProvider, latency, ...counts }) => ({
      provider,
      mailboxProvider,
      ...classRates(counts),
      latency: histogramSummary(latency),
    }));
  } else {
    const [pairs, latency] = await Promise.all([pairCountsOfHours(db, window), latenciesOfHours(db, window)]);
    cells = pairs.map(({ provider, mailboxProvider, ...counts }) => ({
      provider,
      mailboxProvider,
      ...classRates(counts),
      latency: latency.get(`${provider}\u0000${mailboxProvider}`) ?? latencySummary([]),
    }));
  }
  return cells.sort((a, b) => a.provider.localeCompare(b.provider) || a.mailboxProvider.localeCompare(b.mailboxProvider));
}
