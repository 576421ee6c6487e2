import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';

/** Validates query parameters; a bad one is a 400 that names the parameter and changes nothing. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.output<S> {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const field = first?.path.map(String).join('.') || 'query';
  throw new HTTPException(400, { message: `${field}: ${first?.message ?? 'invalid'}` });
}
