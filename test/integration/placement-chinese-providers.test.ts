import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { completePlacementTest, createPlacementTest, testReport, type TestReport } from '../../src/placement/index.js';
import { startImapProxy, type ImapProxy } from '../support/imap-standins.js';
import { dkimKeyFile, placementContext, provider, seedEntry, tempDir, worldConfig } from '../support/placement.js';
import { clearRecipientRule, seed, setRecipientRule, world } from '../world/context.js';

/** Seed 19 lives behind a NetEase stand-in: Dovecot through a proxy that refuses SELECT before IMAP ID and lists no special-use flags. */
const SEED = 19;

/** Speaks IMAP by hand without ID: LOGIN, then SELECT; returns the SELECT answer. */
function selectWithoutId(port: number): Promise<string> {
  const account = seed(SEED);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: world().imap.host, port });
    let buffer = '';
    let step = 0;
    socket.on('error', reject);
    socket.on('data', (data: Buffer) => {
      buffer += data.toString('utf8');
      if (step === 0 && buffer.includes('* OK')) {
        step = 1;
        socket.write(`a1 LOGIN "${account.address}" "${account.password}"\r\n`);
      } else if (step === 1 && /^a1 /m.test(buffer)) {
        step = 2;
        socket.write('a2 SELECT INBOX\r\n');
      } else if (step === 2 && /^a2 .*$/m.test(buffer)) {
        resolve(/^a2 .*$/m.exec(buffer)?.[0] as string);
        socket.end('a3 LOGOUT\r\n');
      }
    });
  });
}

describe('a NetEase seed (163.com) behind a stand-in of its IMAP conventions', () => {
  let proxy: ImapProxy;
  beforeAll(async () => {
    proxy = await startImapProxy(world().imap, { requireId: true, hideSpecialUse: true });
  });
  afterAll(async () => {
    await clearRecipientRule(seed(SEED).address);
    await proxy.stop();
  });

  async function place(rule: { spam?: boolean }): Promise<TestReport['providers'][number]['seeds'][number]> {
    await setRecipientRule(seed(SEED).address, { ...rule, chineseJunk: true });
    const dir = tempDir();
    const entry = seedEntry(SEED);
    const config = worldConfig(dir, {
      providers: [provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) })],
      seeds: [{ ...entry, mailboxProvider: 'netease', imap: { ...entry.imap, port: proxy.port } }],
    });
    const ctx = await placementContext(config);
    try {
      const test = await createPlacementTest(ctx, { trigger: 'cli' });
      await completePlacementTest(ctx, test);
      return (await testReport(ctx.db, test.id))?.providers[0]?.seeds[0] as TestReport['providers'][number]['seeds'][number];
    } finally {
      await ctx.close();
    }
  }

  it('the stand-in really refuses SELECT to a client that skipped IMAP ID', async () => {
    expect(await selectWithoutId(proxy.port)).toMatch(/^a2 NO SELECT Unsafe Login/);
  });

  it('finds spam in the Chinese-named junk folder, which has no special-use flag, identifying itself first', async () => {
    const before = proxy.commands().length;
    const result = await place({ spam: true });
    expect(result).toMatchObject({ mailboxProvider: 'netease', placement: 'spam', folder: '垃圾邮件', error: null });
    const commands = proxy.commands().slice(before);
    const firstId = commands.findIndex((c) => /^ID \(/i.test(c));
    const firstOpen = commands.findIndex((c) => /^(SELECT|EXAMINE) /i.test(c));
    expect(firstId).toBeGreaterThanOrEqual(0);
    expect(firstId).toBeLessThan(firstOpen);
    expect(commands[firstId]).toMatch(/"name" "inboxwatch"/);
    // On the wire the folder is modified UTF-7.
    expect(commands.some((c) => /^EXAMINE "?&V4NXPpCuTvY-"?/.test(c))).toBe(true);
  });

  it('searches that folder and INBOX for mail that went to the inbox', async () => {
    const result = await place({});
    expect(result).toMatchObject({ placement: 'inbox', folder: 'INBOX', foldersSearched: ['垃圾邮件', 'INBOX'] });
  });
});

describe('app-specific authorisation codes in the configuration', () => {
  const seedWith = (mailboxProvider: string, imap: Record<string, unknown>) =>
    configSchema.safeParse({ seeds: [{ address: 'someone@163.com', mailboxProvider, imap: { host: 'imap.163.com', user: 'someone@163.com', ...imap } }] });

  for (const [mailboxProvider, name] of [
    ['qq', /授权码/],
    ['netease', /客户端授权密码/],
    ['aliyun', /三方客户端安全密码/],
  ] as const) {
    it(`says what ${mailboxProvider} wants in imap.pass when it is missing, and refuses OAuth2`, () => {
      const missing = seedWith(mailboxProvider, {});
      expect(missing.success).toBe(false);
      expect(missing.error?.issues[0]?.path).toEqual(['seeds', 0, 'imap']);
      expect(missing.error?.issues[0]?.message).toMatch(name);
      const oauth = seedWith(mailboxProvider, { oauth2: { tokenUrl: 'https://example.com/token', clientId: 'c', refreshToken: 'r' } });
      expect(oauth.error?.issues[0]?.path).toEqual(['seeds', 0, 'imap', 'oauth2']);
      expect(oauth.error?.issues[0]?.message).toMatch(/put it in imap\.pass/);
      expect(seedWith(mailboxProvider, { pass: 'abcdefghijklmnop' }).success).toBe(true);
    });
  }
});
