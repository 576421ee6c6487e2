import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

import { LOOPBACK } from './ports.js';

export interface OAuthServer {
  /** Refresh-token grant endpoint (RFC 6749 §6), as a seed's `imap.oauth2.tokenUrl`. */
  tokenUrl: string;
  /** Token introspection (RFC 7662), what Dovecot's oauth2 passdb asks. */
  introspectionUrl: string;
  clientId: string;
  clientSecret: string;
  /** A valid refresh token per account address. */
  refreshTokens: Record<string, string>;
  /** A refresh token the server has revoked: the grant fails with invalid_grant. */
  revokedRefreshToken: string;
  stop(): Promise<void>;
}

/**
 * A loopback OAuth2 authorisation server standing in for Google's or Microsoft's: it trades refresh
 * tokens for short-lived access tokens, and tells Dovecot (by introspection) whose an access token is.
 */
export async function startOAuthServer(accounts: readonly string[]): Promise<OAuthServer> {
  const clientId = 'inboxwatch-test-client';
  const clientSecret = `secret-${randomBytes(8).toString('hex')}`;
  const refreshTokens = Object.fromEntries(accounts.map((a) => [a, `refresh-${randomBytes(12).toString('hex')}`]));
  const owners = new Map(Object.entries(refreshTokens).map(([address, token]) => [token, address]));
  const revokedRefreshToken = `refresh-revoked-${randomBytes(12).toString('hex')}`;
  const accessTokens = new Map<string, string>();

  const server = createServer((request, response) => {
    handle(request).then(
      ([status, body]) => reply(response, status, body),
      (error: unknown) => reply(response, 500, { error: 'server_error', error_description: String(error) }),
    );
  });

  async function handle(request: IncomingMessage): Promise<[number, unknown]> {
    const path = new URL(request.url ?? '/', 'http://oauth').pathname;
    const form = new URLSearchParams(await readBody(request));
    if (request.method === 'POST' && path === '/token') {
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) return [401, { error: 'invalid_client' }];
      if (form.get('grant_type') !== 'refresh_token') return [400, { error: 'unsupported_grant_type' }];
      const owner = owners.get(form.get('refresh_token') ?? '');
      if (!owner) return [400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }];
      const accessToken = `access-${randomBytes(16).toString('hex')}`;
      accessTokens.set(accessToken, owner);
      return [200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3599 }];
    }
    if (request.method === 'POST' && path === '/introspect') {
      const owner = accessTokens.get(form.get('token') ?? '');
      return [200, owner ? { active: true, email: owner } : { active: false }];
    }
    return [404, { error: 'not_found' }];
  }

  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('OAuth server has no port');
  const base = `http://${LOOPBACK}:${address.port}`;
  return {
    tokenUrl: `${base}/token`,
    introspectionUrl: `${base}/introspect`,
    clientId,
    clientSecret,
    refreshTokens,
    revokedRefreshToken,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
