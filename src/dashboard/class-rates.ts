import { percentile, wilson, type Rate } from '../placement/rates.js';
import { OBSERVED_PLACEMENTS, type Placement } from '../placement/types.js';

/** Placements counted together under one name on the dashboard. */
export const PLACEMENT_CLASSES = {
  inbox: ['inbox'],
  tabs: ['promotions', 'social', 'updates', 'forums'],
  spam: ['spam'],
  otherFolder: ['other-folder'],
  missing: ['missing'],
} as const satisfies Record<string, readonly Placement[]>;

export type PlacementClass = keyof typeof PLACEMENT_CLASSES;

export interface ClassRates {
  /** Messages whose fate was observed: the denominator of every rate. */
  samples: number;
  /** Our own faults (send errors, unreadable mailboxes), never counted against the receiver. */
  errors: number;
  late: number;
  rates: Record<PlacementClass, Rate>;
}

export interface PlacementCount {
  placement: Placement;
  n: number;
  late: number;
}

/** Rates with 95% Wilson intervals from placement counts (daily aggregates or verdicts alike). */
export function classRates(counts: readonly PlacementCount[]): ClassRates {
  const observed = counts.filter((c) => OBSERVED_PLACEMENTS.includes(c.placement));
  const samples = observed.reduce((sum, c) => sum + c.n, 0);
  const count = (wanted: readonly Placement[]) => observed.filter((c) => wanted.includes(c.placement)).reduce((sum, c) => sum + c.n, 0);
  const rate = (k: number): Rate => ({ count: k, rate: samples > 0 ? k / samples : null, ci95: wilson(k, samples) });
  const rates = Object.fromEntries(Object.entries(PLACEMENT_CLASSES).map(([name, wanted]) => [name, rate(count(wanted))])) as Record<PlacementClass, Rate>;
  return {
    samples,
    errors: counts.filter((c) => !OBSERVED_PLACEMENTS.includes(c.placement)).reduce((sum, c) => sum + c.n, 0),
    late: observed.reduce((sum, c) => sum + c.late, 0),
    rates,
  };
}

export interface LatencySummary {
  samples: number;
  p50: number | null;
  p95: number | null;
}

export function latencySummary(values: readonly number[]): LatencySummary {
  return { samples: values.length, p50: percentile(values, 0.5), p95: percentile(values, 0.95) };
}
