const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const PRESETS = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY } as const;
export type Preset = keyof typeof PRESETS;

export interface Range {
  preset: Preset | 'custom';
  from: number;
  to: number;
}

const isPreset = (value: string | null): value is Preset => value !== null && value in PRESETS;
const day = (value: string | null): number | undefined => (value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : undefined);

/** The range in the URL: `range=7d`, or `from=2026-11-01&to=2026-11-07` (whole UTC days, `to` included). */
export function rangeOf(params: URLSearchParams, now: number): Range {
  const from = day(params.get('from'));
  const to = day(params.get('to'));
  if (from !== undefined && to !== undefined && from <= to) return { preset: 'custom', from, to: to + DAY };
  const preset = params.get('range');
  const span = PRESETS[isPreset(preset) ? preset : '7d'];
  // Ends at the next whole minute, so everyone looking at the same view within a minute asks the same
  // question and the server can answer them all from one computation.
  const end = Math.ceil(now / MINUTE) * MINUTE;
  return { preset: isPreset(preset) ? preset : '7d', from: end - span, to: end };
}

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The query the API takes for a range. */
export function rangeQuery(range: Range): { from: string; to: string } {
  return { from: String(Math.round(range.from)), to: String(Math.round(range.to)) };
}

/**
 * The same, as numbers: for routes whose optional parameters the typed client infers from the parsed
 * (numeric) values rather than the query string; hono's client turns them into strings.
 */
export function rangeMs(range: Range): { from: number; to: number } {
  return { from: Math.round(range.from), to: Math.round(range.to) };
}
