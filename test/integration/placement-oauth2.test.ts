import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAresResolver } from '../../src/node/ares-resolver.js';
import { createTokenSource } from '../../src/placement/oauth2.js';
import { resolverFetch } from '../../src/node/oauth-token-fetch.js';
import { completePlacementTest, createPlacementTest, testReport, type TestReport } from '../../src/placement/index.js';
import { listSeedHealth } from '../../src/placement/store.js';
import { dkimKeyFile, placementContext, provider, tempDir, worldConfig } from '../support/placement.js';
import { seed, world } from '../world/context.js';

/**
 * The token endpoint by a name only the test DNS knows, so a login proves the endpoint was found through
 * the configured resolver and not the OS lookup.
 */
function tokenUrlByName(): string {
  const url = new URL(world().oauth2.tokenUrl);
  url.hostname = `mx.${world().domains.seeds}`;
  return url.toString();
}

function oauthSeed(n: number, refreshToken: string) {
  const account = seed(n);
  const { clientId, clientSecret } = world().oauth2;
  const tokenUrl = tokenUrlByName();
  return {
    address: account.address,
    imap: { host: world().imap.host, port: world().imap.port, secure: false, user: account.address, oauth2: { tokenUrl, clientId, clientSecret, refreshToken } },
  };
}

describe('OAuth2 seed mailboxes', () => {
  let report: TestReport;
  let ctx: Awaited<ReturnType<typeof placementContext>>;
  let took: number;

  beforeAll(async () => {
    const dir = tempDir();
    const config = worldConfig(dir, {
      providers: [provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) })],
      seeds: [oauthSeed(8, world().oauth2.refreshTokens[seed(8).address] as string), oauthSeed(9, world().oauth2.revokedRefreshToken)],
      placement: { timeout: '30s' },
    });
    ctx = await placementContext(config);
    const started = Date.now();
    const test = await createPlacementTest(ctx, { trigger: 'cli' });
    await completePlacementTest(ctx, test);
    took = Date.now() - started;
    report = (await testReport(ctx.db, test.id)) as TestReport;
  });
  afterAll(() => ctx.close());

  it('logs in through Dovecot’s oauth2 passdb with an access token from the token endpoint', () => {
    const result = report.providers[0]?.seeds.find((s) => s.seed === seed(8).address);
    expect(result).toMatchObject({ placement: 'inbox', folder: 'INBOX', error: null });
  });

  it('is Dovecot checking the token: a made-up access token is refused, a fetched one accepted', async () => {
    const login = async (accessToken: string) => {
      const client = new ImapFlow({ host: world().imap.host, port: world().imap.port, secure: false, logger: false, auth: { user: seed(10).address, accessToken } });
      try {
        await client.connect();
        await client.logout();
        return 'ok';
      } catch (error) {
        return (error as { authenticationFailed?: boolean }).authenticationFailed ? 'refused' : String(error);
      }
    };
    expect(await login('access-made-up')).toBe('refused');
    const { clientId, clientSecret, refreshTokens } = world().oauth2;
    const resolver = createAresResolver({ servers: [world().dns.server], timeoutMs: 2000, tries: 1 });
    const tokens = createTokenSource(
      { tokenUrl: tokenUrlByName(), clientId, clientSecret, refreshToken: refreshTokens[seed(10).address] as string },
      { fetch: resolverFetch(resolver) },
    );
    expect(await login(await tokens.accessToken())).toBe('ok');
  });

  it('reports a revoked refresh token as error with its cause, at once rather than at the timeout', async () => {
    const result = report.providers[0]?.seeds.find((s) => s.seed === seed(9).address);
    expect(result?.placement).toBe('error');
    expect(result?.error).toContain('invalid_grant');
    expect(result?.error).not.toContain(world().oauth2.revokedRefreshToken);
    expect(took).toBeLessThan(15_000);
    const health = (await listSeedHealth(ctx.db)).find((h) => h.seed === seed(9).address);
    expect(health?.lastError).toContain('invalid_grant');
  });
});
