import type { SeedConfig } from '../config/schema.js';

type OAuth2Config = NonNullable<SeedConfig['imap']['oauth2']>;

/** The token endpoint would not give us an access token; `permanent` when retrying cannot help. */
export class TokenError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{
  ok: boolean;
  status: number;
  text(): Promise<string>;
}>;

// OAuth 2.0 (RFC 6749 §5.2) errors that mean the grant or client itself is bad, not the moment.
const PERMANENT = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);

/**
 * Access tokens for one seed: refresh-token grant against the configured endpoint, cached until a
 * minute before expiry. Error messages carry the endpoint's error code and description, never a token.
 */
export function createTokenSource(config: OAuth2Config, options: { fetch: FetchLike; now?: () => number }) {
  const doFetch = options.fetch;
  const now = options.now ?? Date.now;
  let cached: { token: string; expiresAt: number } | undefined;

  async function fetchToken(signal?: AbortSignal): Promise<string> {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: config.refreshToken, client_id: config.clientId });
    if (config.clientSecret !== undefined) body.set('client_secret', config.clientSecret);
    if (config.scope !== undefined) body.set('scope', config.scope);
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      response = await doFetch(config.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
        signal,
      });
    } catch (error) {
      throw new TokenError(`token endpoint ${new URL(config.tokenUrl).host} unreachable: ${(error as Error).message}`, false);
    }
    const text = await response.text();
    let parsed: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // Described below by status.
    }
    if (!response.ok || typeof parsed.access_token !== 'string') {
      const code = typeof parsed.error === 'string' ? parsed.error : `HTTP ${response.status}`;
      const description = typeof parsed.error_description === 'string' ? ` (${parsed.error_description.slice(0, 200)})` : '';
      throw new TokenError(`token endpoint refused the refresh token: ${code}${description}`, PERMANENT.has(code));
    }
    const lifetime = typeof parsed.expires_in === 'number' ? parsed.expires_in * 1000 : 3_600_000;
    cached = { token: parsed.access_token, expiresAt: now() + Math.max(0, lifetime - 60_000) };
    return parsed.access_token;
  }

  return {
    async accessToken(signal?: AbortSignal): Promise<string> {
      if (cached && cached.expiresAt > now()) return cached.token;
      return fetchToken(signal);
    },
    /** Forget the cached token, e.g. after the server refused it. */
    invalidate() {
      cached = undefined;
    },
  };
}

export type TokenSource = ReturnType<typeof createTokenSource>;
