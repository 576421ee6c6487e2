import type { LatencySummary } from './class-rates.js';

/**
 * Upper edges of the daily latency buckets, in ms: bucket i holds edge[i-1] <= latency < edge[i], the last one
 * everything from the last edge up. The triggers in migration 0009 compute the same buckets; a unit test holds
 * the two to each other.
 */
export const LATENCY_EDGES_MS = [
  500, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 8000, 10000, 12500, 15000, 20000, 25000, 30000, 40000, 50000, 60000, 90000, 120000, 180000,
  300000, 600000, 900000, 1800000, 3600000,
] as const;

export function latencyBucket(ms: number): number {
  return LATENCY_EDGES_MS.filter((edge) => ms >= edge).length;
}

/**
 * The q-quantile of a histogram, interpolated linearly inside its bucket: within that bucket's width of the
 * exact value (at most half the lower edge below a minute).
 */
export function histogramQuantile(counts: ReadonlyMap<number, number>, q: number): number | null {
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const bucket of [...counts.keys()].sort((a, b) => a - b)) {
    const n = counts.get(bucket) ?? 0;
    if (n <= 0) continue;
    if (seen + n >= rank) {
      const low = bucket === 0 ? 0 : (LATENCY_EDGES_MS[bucket - 1] ?? 0);
      const high = LATENCY_EDGES_MS[bucket] ?? low;
      return low + (high - low) * Math.max(0, Math.min(1, (rank - seen) / n));
    }
    seen += n;
  }
  return LATENCY_EDGES_MS[LATENCY_EDGES_MS.length - 1] ?? null;
}

export function histogramSummary(counts: ReadonlyMap<number, number>): LatencySummary {
  return {
    samples: [...counts.values()].reduce((sum, n) => sum + n, 0),
    p50: histogramQuantile(counts, 0.5),
    p95: histogramQuantile(counts, 0.95),
  };
}
