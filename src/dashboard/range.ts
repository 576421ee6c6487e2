export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export type Bucket = 'hour' | 'day';

/**
 * Short ranges are charted per hour from the verdicts themselves; longer ones per UTC day from the daily
 * counts, so a 90-day chart never reads 90 days of verdicts.
 */
export function bucketFor(from: number, to: number): Bucket {
  return to - from <= 3 * DAY ? 'hour' : 'day';
}

export function bucketSize(bucket: Bucket): number {
  return bucket === 'hour' ? HOUR : DAY;
}

/** The buckets whose start lies in [from, to), aligned to UTC hours or days. */
export function bucketStarts(from: number, to: number, bucket: Bucket): number[] {
  const size = bucketSize(bucket);
  const starts: number[] = [];
  for (let t = from - (from % size); t < to; t += size) starts.push(t);
  return starts;
}
