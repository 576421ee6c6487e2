const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** setTimeout keeps a signed 32-bit delay: anything longer fires at once (Node warns, browsers and workerd alike). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Parses "500ms", "30s", "10m", "1h", "7d" (or a whole number of milliseconds, as a number or digits) into milliseconds. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const match = /^\s*(?:(\d+)|(\d+(?:\.\d+)?)\s*(ms|s|m|h|d))\s*$/.exec(value);
  if (!match) return undefined;
  const ms = match[1] !== undefined ? Number(match[1]) : Math.round(Number(match[2]) * (UNITS[match[3] as string] as number));
  return Number.isSafeInteger(ms) ? ms : undefined;
}
