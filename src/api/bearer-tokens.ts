import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import type { Sql } from '../store/sql.js';
import { findSession } from './sessions.js';

export type Role = 'admin' | 'viewer' | 'agent';

export interface ApiToken {
  name: string;
  token: string;
  role: Role;
}

export interface Caller {
  name: string;
  role: Role;
  /** Set when the request came with the dashboard's session cookie rather than a bearer token. */
  session?: { id: string; csrf: string };
}

export interface AuthVariables {
  caller: Caller;
}

export const SESSION_COOKIE = 'iw_session';
export const CSRF_HEADER = 'x-csrf-token';

const encoder = new TextEncoder();

/** The configured token matching a presented secret, compared in constant time. */
export function matchToken(tokens: readonly ApiToken[], presented: string): ApiToken | undefined {
  const bytes = encoder.encode(presented);
  return tokens.find((t) => sameBytes(encoder.encode(t.token), bytes));
}

function unauthorized(): HTTPException {
  return new HTTPException(401, {
    res: new Response(JSON.stringify({ error: 'sign in, or send a valid bearer token' }), {
      status: 401,
      headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="inboxwatch"' },
    }),
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Bearer tokens from `server.tokens` for API clients, or the dashboard's session cookie. Only the token's
 * name is kept on the request, so nothing downstream can echo the secret. A session belongs to a token that
 * must still be configured, and a write through a session must carry the session's CSRF token in a header.
 */
export function authenticate(options: { tokens: readonly ApiToken[]; db: Sql; now: () => number }): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const token = match?.[1] === undefined ? undefined : matchToken(options.tokens, match[1]);
      if (!token) throw unauthorized();
      c.set('caller', { name: token.name, role: token.role });
      return next();
    }
    const id = getCookie(c, SESSION_COOKIE);
    const session = id === undefined ? undefined : await findSession(options.db, id, options.now());
    const owner = session && options.tokens.find((t) => t.name === session.tokenName && t.role === session.role);
    if (!id || !session || !owner) throw unauthorized();
    if (!SAFE_METHODS.has(c.req.method) && !sameBytes(encoder.encode(c.req.header(CSRF_HEADER) ?? ''), encoder.encode(session.csrf))) {
      throw new HTTPException(403, { message: `writes from the dashboard need the ${CSRF_HEADER} header of the session` });
    }
    c.set('caller', { name: session.tokenName, role: session.role, session: { id, csrf: session.csrf } });
    return next();
  };
}

/** Writes need an admin token; viewers and agents read. */
export function requireRole(...roles: Role[]): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (!roles.includes(c.get('caller').role)) throw new HTTPException(403, { message: `needs a token with role ${roles.join(' or ')}` });
    await next();
  };
}

export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:';
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
