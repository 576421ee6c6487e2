import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';

export type Role = 'admin' | 'viewer' | 'agent';

export interface ApiToken {
  name: string;
  token: string;
  role: Role;
}

export interface AuthVariables {
  caller: { name: string; role: Role };
}

/**
 * Bearer tokens from `server.tokens`. Tokens are compared in constant time and only the token's name
 * is kept on the request, so nothing downstream can echo the secret.
 */
export function bearerTokens(tokens: readonly ApiToken[]): MiddlewareHandler<{ Variables: AuthVariables }> {
  const encoder = new TextEncoder();
  const known = tokens.map((t) => ({ ...t, bytes: encoder.encode(t.token) }));
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const presented = match ? encoder.encode(match[1]) : undefined;
    const caller = presented && known.find((t) => sameBytes(t.bytes, presented));
    if (!caller) {
      throw new HTTPException(401, {
        res: new Response(JSON.stringify({ error: 'a valid bearer token is required' }), {
          status: 401,
          headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="inboxwatch"' },
        }),
      });
    }
    c.set('caller', { name: caller.name, role: caller.role });
    await next();
  };
}

/** Writes need an admin token; viewers and agents read. */
export function requireRole(...roles: Role[]): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (!roles.includes(c.get('caller').role)) throw new HTTPException(403, { message: `needs a token with role ${roles.join(' or ')}` });
    await next();
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
