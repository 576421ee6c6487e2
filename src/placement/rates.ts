import { midpoint } from './latency.js';
import { OBSERVED_PLACEMENTS, type Placement } from './types.js';

export interface Interval {
  low: number;
  high: number;
}

/**
 * The Wilson score interval for k successes in n trials (95% by default). Unlike the normal
 * approximation it stays inside [0, 1] and means something for the small samples a seed list gives.
 */
export function wilson(k: number, n: number, z = 1.959963984540054): Interval | null {
  if (n <= 0) return null;
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At k = 0 or k = n the bound is exactly 0 or 1; floating point would leave it a hair off.
  return { low: k === 0 ? 0 : Math.max(0, centre - half), high: k === n ? 1 : Math.min(1, centre + half) };
}

/** Linear-interpolated percentile (the common "type 7") of unsorted values; null for none. */
export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower] as number;
  const b = sorted[upper] as number;
  return a + (b - a) * (position - lower);
}

export interface Rate {
  count: number;
  rate: number | null;
  ci95: Interval | null;
}

export interface RateGroup {
  key: string;
  /** Messages whose fate we observed (placed somewhere or missing); the denominator of every rate. */
  samples: number;
  /** Our own faults (send errors, unreadable mailboxes): reported, never counted against the receiver. */
  errors: number;
  sendErrors: number;
  inbox: Rate;
  /** Any Gmail tab other than Primary. */
  tabs: Rate;
  promotions: Rate;
  social: Rate;
  updates: Rate;
  forums: Rate;
  spam: Rate;
  otherFolder: Rate;
  missing: Rate;
  late: number;
  latency: LatencyPercentiles;
}

/**
 * Percentiles of latencies known only as intervals. A percentile never decreases when any one value grows,
 * so the percentile of the true latencies lies between the percentile of the intervals' low ends and that of
 * their high ends; each is given as that range's midpoint with half its width as the error.
 */
export interface LatencyPercentiles {
  samples: number;
  p50: number | null;
  p50ErrorMs: number | null;
  p95: number | null;
  p95ErrorMs: number | null;
}

export interface VerdictSample {
  key: string;
  placement: Placement;
  /** The latency interval in ms; null when there is none (missing, no receiver timestamp, clock skew). */
  latency: Interval | null;
  late: boolean;
}

const TABS: readonly Placement[] = ['promotions', 'social', 'updates', 'forums'];

/** Interval-censored percentile: the range the percentile of the true values must lie in, as midpoint ± error. */
export function latencyPercentiles(intervals: readonly Interval[]): LatencyPercentiles {
  const at = (q: number) => {
    const low = percentile(intervals.map((i) => i.low), q);
    const high = percentile(intervals.map((i) => i.high), q);
    if (low === null || high === null) return { value: null, errorMs: null };
    const centre = midpoint(low, high);
    return { value: centre.value, errorMs: Math.ceil(centre.errorMs) };
  };
  const p50 = at(0.5);
  const p95 = at(0.95);
  return { samples: intervals.length, p50: p50.value, p50ErrorMs: p50.errorMs, p95: p95.value, p95ErrorMs: p95.errorMs };
}

function rate(count: number, samples: number): Rate {
  return { count, rate: samples > 0 ? count / samples : null, ci95: wilson(count, samples) };
}

/** Placement rates with Wilson intervals and latency percentiles, one group per key, keys in order. */
export function rollup(samples: readonly VerdictSample[]): RateGroup[] {
  const groups = new Map<string, VerdictSample[]>();
  for (const s of samples) {
    const list = groups.get(s.key);
    if (list) list.push(s);
    else groups.set(s.key, [s]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => {
      const observed = list.filter((s) => OBSERVED_PLACEMENTS.includes(s.placement));
      const n = observed.length;
      const count = (wanted: readonly Placement[]) => observed.filter((s) => wanted.includes(s.placement)).length;
      const latencies = observed.map((s) => s.latency).filter((l): l is Interval => l !== null);
      return {
        key,
        samples: n,
        errors: list.filter((s) => s.placement === 'error').length,
        sendErrors: list.filter((s) => s.placement === 'send-error').length,
        inbox: rate(count(['inbox']), n),
        tabs: rate(count(TABS), n),
        promotions: rate(count(['promotions']), n),
        social: rate(count(['social']), n),
        updates: rate(count(['updates']), n),
        forums: rate(count(['forums']), n),
        spam: rate(count(['spam']), n),
        otherFolder: rate(count(['other-folder']), n),
        missing: rate(count(['missing']), n),
        late: observed.filter((s) => s.late).length,
        latency: latencyPercentiles(latencies),
      };
    });
}
