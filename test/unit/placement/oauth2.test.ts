import { describe, expect, it } from 'vitest';
import { describeImapError, quotaHealth } from '../../../src/node/imap-collector.js';
import { createTokenSource, TokenError, type FetchLike } from '../../../src/placement/oauth2.js';

const config = { tokenUrl: 'https://oauth2.example/token', clientId: 'client', clientSecret: 'shh', refreshToken: 'refresh-secret', scope: 'https://mail.example/' };

function fakeFetch(responses: Array<{ status: number; body: unknown }>) {
  const calls: string[] = [];
  const fetch: FetchLike = async (_url, init) => {
    calls.push(init.body);
    const next = responses.shift() ?? { status: 500, body: {} };
    return { ok: next.status < 300, status: next.status, text: async () => JSON.stringify(next.body) };
  };
  return { fetch, calls };
}

describe('OAuth2 access tokens', () => {
  it('trades the refresh token for an access token and caches it until shortly before expiry', async () => {
    let now = 0;
    const { fetch, calls } = fakeFetch([
      { status: 200, body: { access_token: 'a1', expires_in: 3600 } },
      { status: 200, body: { access_token: 'a2', expires_in: 3600 } },
    ]);
    const tokens = createTokenSource(config, { fetch, now: () => now });
    expect(await tokens.accessToken()).toBe('a1');
    now = 3_000_000;
    expect(await tokens.accessToken()).toBe('a1');
    now = 3_541_000;
    expect(await tokens.accessToken()).toBe('a2');
    expect(new URLSearchParams(calls[0]).get('grant_type')).toBe('refresh_token');
    expect(new URLSearchParams(calls[0]).get('scope')).toBe(config.scope);
  });

  it('says a revoked refresh token is permanent and never repeats a secret', async () => {
    const { fetch } = fakeFetch([{ status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } }]);
    const error = (await createTokenSource(config, { fetch }).accessToken().catch((e: unknown) => e)) as TokenError;
    expect(error).toBeInstanceOf(TokenError);
    expect(error.permanent).toBe(true);
    expect(error.message).toBe('token endpoint refused the refresh token: invalid_grant (Token has been expired or revoked.)');
    expect(error.message).not.toMatch(/refresh-secret|shh/);
  });

  it('treats a server error or an unreachable endpoint as temporary', async () => {
    const { fetch } = fakeFetch([{ status: 503, body: 'busy' }]);
    expect(await createTokenSource(config, { fetch }).accessToken().catch((e: TokenError) => e.permanent)).toBe(false);
    const down: FetchLike = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const error = (await createTokenSource(config, { fetch: down }).accessToken().catch((e: unknown) => e)) as TokenError;
    expect(error.permanent).toBe(false);
    expect(error.message).toContain('oauth2.example');
  });
});

describe('describeImapError', () => {
  it('calls a login failure permanent and a connection failure temporary', () => {
    expect(describeImapError({ authenticationFailed: true, responseText: 'Authentication failed.' })).toEqual({ message: 'IMAP login failed: Authentication failed.', permanent: true });
    expect(describeImapError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toEqual({
      message: 'IMAP connection failed: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:1)',
      permanent: false,
    });
    expect(describeImapError(new TokenError('token endpoint refused the refresh token: invalid_grant', true)).permanent).toBe(true);
  });
});

describe('quotaHealth', () => {
  it('warns from 90% full and says nothing without a limit', () => {
    expect(quotaHealth({ usage: 50, limit: 100 })).toEqual({ used: 50, limit: 100, warning: null });
    expect(quotaHealth({ usage: 93, limit: 100 })).toEqual({ used: 93, limit: 100, warning: 'mailbox 93% full' });
    expect(quotaHealth({ usage: 10 })).toBeUndefined();
    expect(quotaHealth(undefined)).toBeUndefined();
  });
});
