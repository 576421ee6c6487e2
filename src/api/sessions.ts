import type { Sql } from '../store/sql.js';
import type { Role } from './bearer-tokens.js';

/** How long a dashboard sign-in lasts before the token must be pasted again. */
export const SESSION_TTL_MS = 12 * 3_600_000;

export interface Session {
  tokenName: string;
  role: Exclude<Role, 'agent'>;
  csrf: string;
  expiresAt: number;
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function hashId(id: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(id)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Starts a session; returns the id for the cookie (only its hash is stored) and the session. */
export async function createSession(db: Sql, owner: { tokenName: string; role: Session['role'] }, now: number): Promise<{ id: string; session: Session }> {
  const id = randomId();
  const session: Session = { ...owner, csrf: randomId(), expiresAt: now + SESSION_TTL_MS };
  // Expired sessions go whenever a new one starts, so the table stays as small as the people signed in.
  await db.batch([
    { sql: 'DELETE FROM sessions WHERE expires_at <= ?', params: [now] },
    {
      sql: 'INSERT INTO sessions (id_hash, token_name, role, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      params: [await hashId(id), session.tokenName, session.role, session.csrf, now, session.expiresAt],
    },
  ]);
  return { id, session };
}

export async function findSession(db: Sql, id: string, now: number): Promise<Session | undefined> {
  const row = await db.first<{ token_name: string; role: Session['role']; csrf: string; expires_at: number }>(
    'SELECT token_name, role, csrf, expires_at FROM sessions WHERE id_hash = ? AND expires_at > ?',
    [await hashId(id), now],
  );
  return row && { tokenName: row.token_name, role: row.role, csrf: row.csrf, expiresAt: row.expires_at };
}

export async function endSession(db: Sql, id: string): Promise<void> {
  await db.run('DELETE FROM sessions WHERE id_hash = ?', [await hashId(id)]);
}
