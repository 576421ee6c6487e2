export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const WEEK = 7 * DAY;

export type Bucket = 'hour' | 'day' | 'week';

/** Monday 00:00 UTC of the week holding `at` (the epoch fell on a Thursday). */
export function weekOf(at: number): number {
  return at - ((at + 3 * DAY) % WEEK);
}

/**
 * Short ranges are charted per hour from the verdicts themselves, ranges of up to 120 days per UTC day from the
 * daily counts, longer ones per UTC week (summed from the same daily counts), so a chart never carries more
 * than about 120 points per line and never reads a range's verdicts beyond three days.
 */
export function bucketFor(from: number, to: number): Bucket {
  const span = to - from;
  if (span <= 3 * DAY) return 'hour';
  return span <= 120 * DAY ? 'day' : 'week';
}
