import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { validator } from 'hono/validator';
import { z } from 'zod';
import type { AppDeps } from '../app.js';
import { isHttps, matchToken, SESSION_COOKIE, type AuthVariables } from '../bearer-tokens.js';
import { createSession, endSession, SESSION_TTL_MS } from '../sessions.js';
import { noQuery } from '../params.js';

const signIn = z.strictObject({ token: z.string().min(1, 'paste an API token') });

/** Dashboard sign-in: an API token is exchanged once for an HttpOnly, SameSite=Strict session cookie. */
export function signInRoutes(deps: AppDeps) {
  const body = validator('json', (value: unknown) => {
    const parsed = signIn.safeParse(value);
    if (!parsed.success) throw new HTTPException(400, { message: `token: ${parsed.error.issues[0]?.message ?? 'expected {"token": "..."}'}` });
    return parsed.data;
  });
  return new Hono().post('/', noQuery(), body, async (c) => {
    const token = matchToken(deps.tokens, c.req.valid('json').token.trim());
    if (!token) return c.json({ error: 'That token is not one of the server’s API tokens (server.tokens, or data/api-token when none are configured).' }, 401);
    if (token.role === 'agent') return c.json({ error: 'Agent tokens push probe results; sign in with an admin or viewer token.' }, 403);
    const { id, session } = await createSession(deps.db, { tokenName: token.name, role: token.role }, deps.now());
    setCookie(c, SESSION_COOKIE, id, { httpOnly: true, sameSite: 'Strict', secure: isHttps(c), path: '/', maxAge: SESSION_TTL_MS / 1000 });
    return c.json({ name: token.name, role: token.role, csrf: session.csrf }, 201);
  });
}

/** Who is signed in (with the CSRF token writes must carry), and sign-out, which ends the session server-side. */
export function sessionRoutes(deps: AppDeps) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', noQuery(), (c) => {
      const caller = c.get('caller');
      return c.json({ name: caller.name, role: caller.role, csrf: caller.session?.csrf ?? null });
    })
    .delete('/', noQuery(), async (c) => {
      const session = c.get('caller').session;
      if (session) await endSession(deps.db, session.id);
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
      return c.json({ signedOut: true });
    });
}
