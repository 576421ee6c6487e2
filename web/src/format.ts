/** Display helpers shared by the views; every number on screen carries its unit. */

export function pct(rate: number | null | undefined, digits = 0): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(digits)}%`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const utcDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function when(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : dateTime.format(ms);
}

/** An axis tick: the time of day on short ranges, the date on longer ones. */
export function tick(ms: number, spanMs: number): string {
  return spanMs <= 3 * 86_400_000 ? `${dateOnly.format(ms)} ${timeOnly.format(ms)}` : dateOnly.format(ms);
}

export function ago(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round((now - ms) / 1000);
  if (Math.abs(s) < 60) return s >= 0 ? 'just now' : 'in under a minute';
  const text = duration(Math.abs(now - ms)).replace(/\.0 /, ' ');
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

/** A UTC day (report days are UTC), as a short date. */
export function utcDay(ms: number): string {
  return utcDate.format(ms);
}
