import { percentile, wilson, type Rate } from '../placement/rates.js';

/** Messages per placement, as the daily aggregates and the per-hour queries both return them. */
export interface PlacementCounts {
  inbox: number;
  promotions: number;
  social: number;
  updates: number;
  forums: number;
  spam: number;
  other_folder: number;
  missing: number;
  error: number;
  send_error: number;
  late: number;
}

/** The count columns, as SQL sums over `verdicts` (per hour) or over `placement_daily` (per day). */
export const COUNT_COLUMNS: Record<keyof PlacementCounts, string> = {
  inbox: "placement = 'inbox'",
  promotions: "placement = 'promotions'",
  social: "placement = 'social'",
  updates: "placement = 'updates'",
  forums: "placement = 'forums'",
  spam: "placement = 'spam'",
  other_folder: "placement = 'other-folder'",
  missing: "placement = 'missing'",
  error: "placement = 'error'",
  send_error: "placement = 'send-error'",
  late: 'late',
};

export type PlacementClass = 'inbox' | 'tabs' | 'spam' | 'otherFolder' | 'missing';

export interface ClassRates {
  /** Messages whose fate was observed: the denominator of every rate. */
  samples: number;
  /** Our own faults (send errors, unreadable mailboxes), never counted against the receiver. */
  errors: number;
  late: number;
  rates: Record<PlacementClass, Rate>;
}

export function observed(c: PlacementCounts): number {
  return c.inbox + c.promotions + c.social + c.updates + c.forums + c.spam + c.other_folder + c.missing;
}

function rateOf(count: number, samples: number): Rate {
  return { count, rate: samples > 0 ? count / samples : null, ci95: wilson(count, samples) };
}

/** Rates with 95% Wilson intervals; Gmail's tabs count together. */
export function classRates(c: PlacementCounts): ClassRates {
  const samples = observed(c);
  return {
    samples,
    errors: c.error + c.send_error,
    late: c.late,
    rates: {
      inbox: rateOf(c.inbox, samples),
      tabs: rateOf(c.promotions + c.social + c.updates + c.forums, samples),
      spam: rateOf(c.spam, samples),
      otherFolder: rateOf(c.other_folder, samples),
      missing: rateOf(c.missing, samples),
    },
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
