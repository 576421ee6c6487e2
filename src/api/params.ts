import { HTTPException } from 'hono/http-exception';
import { validator } from 'hono/validator';
import { z } from 'zod';

/**
 * The one place query strings are read. Every route declares the parameters it takes with `query(...)`
 * (`noQuery()` for none); a parameter it does not take, one given twice or one given empty is a 400 naming
 * it, so a typo never silently falls back to a default and nothing changes.
 */
export function query<S extends z.ZodObject>(schema: S) {
  // Strict whatever the caller built: an unknown parameter is always refused here.
  const strict = schema.strict();
  return validator('query', (values): z.output<S> => parseQuery(strict, single(values)) as z.output<S>);
}

/** For routes that take no parameters. */
export const noQuery = () => query(z.object({}));

/** Validates a route's parameters (query or path); a bad one is a 400 that names it and changes nothing. */
export function parseQuery<S extends z.ZodType>(schema: S, values: Record<string, string>): z.output<S> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  // An unknown parameter is named first: it is usually a typo of the parameter another issue is about.
  const first = parsed.error.issues.find((issue) => issue.code === 'unrecognized_keys') ?? parsed.error.issues[0];
  if (first?.code === 'unrecognized_keys') throw badRequest(`unknown parameter${first.keys.length > 1 ? 's' : ''} ${first.keys.join(', ')}`);
  const field = first?.path.map(String).join('.') || 'query';
  throw badRequest(`${field}: ${first?.message ?? 'invalid'}`);
}

function single(values: Record<string, string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(values)) {
    const given = typeof raw === 'string' ? [raw] : raw;
    if (given.length > 1) throw badRequest(`${name}: given ${given.length} times; give it once`);
    const value = given[0] ?? '';
    if (value === '') throw badRequest(`${name}: empty; give a value or leave the parameter out`);
    out[name] = value;
  }
  return out;
}

function badRequest(message: string): HTTPException {
  return new HTTPException(400, { message });
}

/** A whole number written in plain digits (no sign, exponent, hex or spaces) within bounds. */
export function count(min: number, max: number) {
  return z
    .string()
    .regex(/^(0|[1-9]\d*)$/, 'expected a whole number written in digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** The latest instant a JavaScript Date holds (ECMA-262 §21.4.1.22). */
const MAX_EPOCH_MS = 8.64e15;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,3})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/**
 * An instant: epoch milliseconds in digits, or an ISO 8601 date (UTC midnight) or date-time with its offset.
 * Nothing else: Date.parse reads `-1`, `abc 1` or a NUL as the year 2001 and would quietly move a range.
 */
export const instant = z.string().transform((value, ctx) => {
  const ms = parseInstant(value);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected epoch milliseconds or an ISO 8601 date such as 2026-11-01 or 2026-11-01T08:00:00Z (a time needs Z or an offset)',
    });
    return z.NEVER;
  }
  return ms;
});

export function parseInstant(value: string): number | undefined {
  if (/^(0|[1-9]\d{0,15})$/.test(value)) {
    const ms = Number(value);
    return ms <= MAX_EPOCH_MS ? ms : undefined;
  }
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Date.parse rolls 2026-02-30 over into March; a date that is not on the calendar is refused.
  const midnight = new Date(Date.UTC(year, month - 1, day));
  if (midnight.getUTCFullYear() !== year || midnight.getUTCMonth() !== month - 1 || midnight.getUTCDate() !== day) return undefined;
  const ms = Date.parse(match[4] === undefined ? `${value}T00:00:00Z` : value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Query validation as route middleware for schemas that shape their values (a range with defaults), so the
 * typed client knows each endpoint's parameters; like `query`, an empty or repeated parameter is a 400.
 */
export function queryOf<S extends z.ZodType>(schema: S) {
  return validator('query', (values): z.output<S> => parseQuery(schema, single(values)));
}

const DAY = 86_400_000;

/** The longest range a view charts; a year of daily aggregates is still a small read. */
export const MAX_RANGE_MS = 400 * DAY;

/** `from`/`to` of a charted range, the last 7 days by default. */
export function rangeQuery(now: () => number) {
  return z
    .strictObject({ from: instant.optional(), to: instant.optional() })
    .transform((q, ctx) => {
      const to = q.to ?? now();
      const from = q.from ?? to - 7 * DAY;
      if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
      else if (to - from > MAX_RANGE_MS) ctx.addIssue({ code: 'custom', path: ['from'], message: 'ranges are at most 400 days' });
      return { from, to };
    });
}
