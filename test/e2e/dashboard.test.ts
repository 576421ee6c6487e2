import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/node/sqlite-store.js';
import { launchChromium, screenshot } from '../support/browser.js';
import { startServe, type ServeProcess } from '../support/cli.js';
import { seedDashboard } from '../support/dashboard-seed.js';

const ADMIN = 'admin-token-e2e-0123456789';
const VIEWER = 'viewer-token-e2e-0123456789';
const SMTP_SECRET = 'smtp-secret-never-shown-42';

const CONFIG = `server:
  tokens:
    - { name: ops, token: "\${ADMIN_TOKEN}", role: admin }
    - { name: board, token: "\${VIEWER_TOKEN}", role: viewer }
database: ./data/inboxwatch.db
providers:
  - name: acme-esp
    smtp: { host: 127.0.0.1, port: 2525, user: apikey, pass: "\${SMTP_PASS}" }
    from: news@example.com
seeds:
  - address: gmail-1@seeds.test
    mailboxProvider: gmail
    imap: { host: 127.0.0.1, user: gmail-1, pass: "\${SMTP_PASS}" }
domains:
  - name: example.com
schedules: { placement: "off", audit: "off", blocklists: "off" }
`;

let browser: Browser;
const servers: ServeProcess[] = [];
const problems: string[] = [];

async function serve(dir: string): Promise<ServeProcess> {
  const server = await startServe({ cwd: dir, env: { ADMIN_TOKEN: ADMIN, VIEWER_TOKEN: VIEWER, SMTP_PASS: SMTP_SECRET } });
  servers.push(server);
  return server;
}

/** A page that records console errors and CSP violations, which the tests expect none of. */
async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return page;
}

async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

const row = (page: Page, selector: string) => page.locator(selector);

/** Waits for what the page shows; generous, because this machine may be busy with other builds. */
const poll = <T>(read: () => Promise<T>, options: { timeout?: number } = {}) => expect.poll(read, { timeout: 15_000, ...options });

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
});

describe('the dashboard against a server with a known history', () => {
  let url: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iw-e2e-'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'inboxwatch.yaml'), CONFIG);
    const db = await openStore(join(dir, 'data', 'inboxwatch.db'));
    await seedDashboard(db, Date.now());
    await db.close();
    url = (await serve(dir)).url;
  });

  it('serves the page with a CSP that allows only its own scripts, no framing and nosniff', async () => {
    const response = await fetch(`${url}/providers?range=30d`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses a wrong token with a clear message, then signs in to a session cookie scripts cannot read', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await newPage(context);
    await page.goto(url);
    await page.getByLabel('API token').fill('not-a-token-at-all-000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.getByRole('alert').textContent()).toContain('not one of the server’s API tokens');
    await screenshot(page, '00-sign-in-wrong-token');

    await page.getByLabel('API token').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'iw_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate<string>('document.cookie')).toBe('');
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(ADMIN);
    await context.close();
  });

  it('shows every view with the numbers of the seeded history, follows the range and deep links, runs a job and signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await newPage(context);
    await signIn(page, url, ADMIN);

    // Overview, 7 days: at Gmail acme-esp has 10 of 14 in the inbox and postbox 14 of 14: 24 of 28 (86%).
    const gmail = row(page, 'iw-overview tr[data-mailbox-provider="gmail"]');
    await poll(() => gmail.textContent()).toMatch(/gmail\s*28\s*86%/);
    await poll(() => page.locator('iw-overview [data-listings]').getAttribute('data-listings')).toBe('1');
    await poll(() => page.locator('iw-overview tr[data-domain="example.com"]').textContent()).toContain('SPF does not authorise postbox');
    await poll(() => page.locator('iw-overview li[data-incident="1"]').textContent()).toMatch(/critical\s*LISTED: 198\.51\.100\.7 on SpamCop/);
    await page.locator('iw-overview iw-chart').first().locator('canvas').waitFor();
    await screenshot(page, '01-overview');

    // Providers: acme-esp at Gmail 10/14 = 71% with its Wilson interval; postbox at Outlook 6/14 inbox, 8 spam.
    await page.getByRole('link', { name: 'Providers', exact: true }).click();
    const acmeGmail = row(page, 'iw-providers tr[data-cell="acme-esp/gmail"]');
    await poll(() => acmeGmail.textContent()).toMatch(/acme-esp\s*gmail\s*14\s*71%\s*45%–88%/);
    await poll(() => row(page, 'iw-providers tr[data-cell="postbox/outlook"]').textContent()).toMatch(/14\s*43%[\s\S]*57%/);
    // Latency over days comes from the daily histograms: 4.0 s and 5.0 s seven times each give a p50 of 5.0 s.
    await poll(() => acmeGmail.textContent()).toContain('5.0 s');
    await screenshot(page, '02-providers-7d');

    // The range picker: 30 days holds all ten tests, so acme-esp at Gmail is 15 of 20.
    await page.getByRole('link', { name: '30d', exact: true }).click();
    await poll(() => acmeGmail.textContent()).toMatch(/acme-esp\s*gmail\s*20\s*75%/);
    expect(new URL(page.url()).searchParams.get('range')).toBe('30d');
    await page.locator('iw-providers select[aria-label="Provider A"]').selectOption('postbox');
    expect(new URL(page.url()).searchParams.get('a')).toBe('postbox');
    await screenshot(page, '03-providers-30d-compare');

    // Timeline: the SPF change, the regression it caused and the SpamCop listing, on one axis.
    await page.getByRole('link', { name: 'Timeline', exact: true }).click();
    const events = page.locator('iw-timeline tbody').first();
    await poll(() => events.textContent()).toContain('example.com: spf record changed');
    await poll(() => events.textContent()).toContain('example.com: audit regressed warn → fail');
    await poll(() => events.textContent()).toContain('198.51.100.7 listed on bl.spamcop.net');
    await screenshot(page, '04-timeline');

    // Tests: ten tests; the newest shows postbox at Outlook in spam with the receiver's softfail.
    await page.getByRole('link', { name: 'Tests', exact: true }).click();
    await poll(() => page.locator('iw-tests tr[data-test]').count()).toBe(10);
    await screenshot(page, '05-tests');
    await page.locator('iw-tests tr[data-test] a').first().click();
    const cell = page.locator('iw-test td[data-provider="postbox"][data-seed="outlook-1@seeds.test"]');
    await poll(() => cell.textContent()).toContain('Spam');
    expect(await cell.textContent()).toContain('spf=softfail');
    await cell.locator('button').click();
    await poll(() => page.locator('iw-test pre.auth-results').first().textContent()).toContain('spf=softfail smtp.mailfrom=bounce@mail.example.com');
    expect(await page.locator('iw-test ol.hops').textContent()).toMatch(/app\.example\.com.*relay\.postbox\.test[\s\S]*relay\.postbox\.test.*mx\.seeds\.test/);
    await screenshot(page, '06-test-detail');

    // A deep link opened in a new tab of the same session: the domain page with the range in its URL.
    const deep = await newPage(context);
    await deep.goto(`${url}/domains/example.com?range=30d`);
    await poll(() => deep.locator('iw-domain [data-area="spf"]').textContent()).toContain('Add include:spf.postbox.test');
    const change = deep.locator('iw-domain [data-change="spf"]');
    await poll(() => change.textContent()).toContain('− v=spf1 include:_spf.acme-esp.test include:spf.postbox.test -all');
    expect(await deep.locator('iw-domain tr[data-history]').count()).toBe(2);
    await screenshot(deep, '07-domain');
    await deep.getByRole('link', { name: 'Domains', exact: true }).click();
    await poll(() => deep.locator('iw-domains tr[data-domain]').count()).toBe(2);
    await screenshot(deep, '08-domains');
    await deep.close();

    // Blocklists: listed, clean, error and an unhealthy list, each with its own word; the listing's reason and delisting link.
    await page.getByRole('link', { name: 'Blocklists', exact: true }).click();
    const listed = page.locator('iw-blocklists td[data-target="198.51.100.7"][data-zone="bl.spamcop.net"]');
    await poll(() => listed.textContent()).toContain('listed');
    expect(await page.locator('iw-blocklists td[data-zone="b.barracudacentral.org"]').textContent()).toContain('error');
    expect(await page.locator('iw-blocklists [data-unhealthy="b.barracudacentral.org"]').textContent()).toContain('unhealthy');
    expect(await page.locator('iw-blocklists td[data-zone="zen.spamhaus.org"]').textContent()).toContain('clean');
    expect(await page.locator('iw-blocklists [data-listing] a').getAttribute('href')).toBe('https://www.spamcop.net/bl.shtml');
    await page.locator('iw-blocklists a', { hasText: '198.51.100.7' }).click();
    // 7 days hold the delisting and the new listing; 30 days the first listing too.
    await poll(() => page.locator('iw-blocklists tr[data-event]').count()).toBe(2);
    await page.getByRole('link', { name: '30d', exact: true }).click();
    await poll(() => page.locator('iw-blocklists tr[data-event]').count()).toBe(3);
    await screenshot(page, '09-blocklists');

    // Settings: secrets redacted; run housekeeping now and see its run finish.
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    const config = page.locator('iw-settings pre[data-config]');
    await poll(() => config.textContent()).toContain('[redacted]');
    expect(await config.textContent()).not.toContain(SMTP_SECRET);
    expect(await page.locator('iw-settings tr[data-job="housekeeping"]').textContent()).toMatch(/17 3 \* \* \*.*in /s);
    await page.getByRole('button', { name: 'Run housekeeping now' }).click();
    await poll(() => page.locator('iw-settings tr[data-job="housekeeping"] .last-run').textContent(), { timeout: 20_000 }).toMatch(/ok/);
    await screenshot(page, '10-settings');

    // A write without the session's CSRF token is refused even with the cookie.
    const forged = await page.evaluate(async () => (await fetch('/api/jobs/housekeeping/run', { method: 'POST' })).status);
    expect(forged).toBe(403);

    // Sign-out ends the session on the server: the old cookie no longer works.
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'iw_session');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const replay = await fetch(`${url}/api/overview`, { headers: { cookie: `iw_session=${cookie?.value}` } });
    expect(replay.status).toBe(401);
    await context.close();
  });

  it('lets a viewer see everything but not start a run', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await newPage(context);
    await signIn(page, url, VIEWER);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.locator('iw-settings [data-viewer]').waitFor();
    expect(await page.getByRole('button', { name: /Run .* now/ }).count()).toBe(0);
    const status = await page.evaluate(async () => {
      const session = (await (await fetch('/api/session')).json()) as { csrf: string };
      return (await fetch('/api/jobs/housekeeping/run', { method: 'POST', headers: { 'x-csrf-token': session.csrf } })).status;
    });
    expect(status).toBe(403);
    await context.close();
  });

  it('fits a phone and follows a dark system theme', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true });
    const page = await newPage(context);
    await signIn(page, url, ADMIN);
    await poll(() => page.locator('iw-overview tr[data-mailbox-provider="gmail"]').count()).toBe(1);
    const background = await page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor');
    expect(background).toBe('rgb(18, 22, 29)');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, '11-overview-phone-dark');
    await page.goto(`${url}/providers?range=30d`);
    await poll(() => page.locator('iw-providers tr[data-cell]').count()).toBe(6);
    await screenshot(page, '12-providers-phone-dark');
    await context.close();
  });

  it('logged no console errors or CSP violations', () => {
    // The refused requests the tests make on purpose (signed out, a forged write, a viewer's run) are the only ones.
    expect(problems.filter((p) => !/status of 40[13] /.test(p))).toEqual([]);
  });
});

describe('the dashboard on a fresh install', () => {
  it('tells a new user what to configure, with the YAML to paste', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iw-e2e-empty-'));
    writeFileSync(join(dir, 'inboxwatch.yaml'), `server:\n  tokens:\n    - { name: ops, token: "\${ADMIN_TOKEN}", role: admin }\n`);
    const { url } = await serve(dir);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await newPage(context);
    await signIn(page, url, ADMIN);
    const overview = page.locator('iw-overview .grid');
    await poll(() => overview.textContent()).toContain('No placement tests in this range');
    expect(await overview.textContent()).toContain('seeds:');
    expect(await overview.textContent()).toContain('No domains audited yet');
    expect(await overview.textContent()).toContain('No blocklist checks yet');
    await screenshot(page, '20-empty-overview');
    for (const [link, text] of [
      ['Providers', 'No placement results in this range'],
      ['Timeline', 'No placement tests in this range'],
      ['Tests', 'No placement tests yet'],
      ['Domains', 'No domains audited yet'],
      ['Blocklists', 'No blocklist checks yet'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await poll(() => page.locator('main .empty h3').first().textContent()).toBe(text);
    }
    await screenshot(page, '21-empty-blocklists');
    await context.close();
  });
});
