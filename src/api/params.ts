import { HTTPException } from 'hono/http-exception';
import { validator } from 'hono/validator';
import { z } from 'zod';

/** Validates query parameters; a bad one is a 400 that names the parameter and changes nothing. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string | string[]>): z.output<S> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const field = first?.path.map(String).join('.') || 'query';
  throw new HTTPException(400, { message: `${field}: ${first?.message ?? 'invalid'}` });
}

/** Query validation as route middleware, so the typed client knows each endpoint's parameters. */
export function queryOf<S extends z.ZodType>(schema: S) {
  return validator('query', (value) => parseQuery(schema, value));
}

const DAY = 86_400_000;

/** Epoch milliseconds or an ISO 8601 date/time. */
export const instant = z.string().transform((value, ctx) => {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO 8601 date such as 2026-11-01' });
    return z.NEVER;
  }
  return ms;
});

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
