import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/node/sqlite-store.js';
import { launchChromium, screenshot } from '../support/browser.js';
import { lowContrast } from '../support/contrast.js';
import { startHookReceiver, type HookReceiver } from '../support/alerts.js';
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
alerts:
  allowPrivateUrls: true
  channels:
    - { name: ops-hook, type: webhook, url: "\${HOOK_URL}", retries: 0, timeout: 2s }
    - { name: down-hook, type: webhook, url: "\${DOWN_URL}", retries: 0, timeout: 2s }
schedules: { placement: "off", audit: "off", blocklists: "off" }
`;

let browser: Browser;
/** Two webhook receivers for the channels: one taking notifications, one answering 500. */
let hook: HookReceiver;
let down: HookReceiver;
const servers: ServeProcess[] = [];
const problems: string[] = [];

async function serve(dir: string): Promise<ServeProcess> {
  const server = await startServe({ cwd: dir, env: { ADMIN_TOKEN: ADMIN, VIEWER_TOKEN: VIEWER, SMTP_PASS: SMTP_SECRET, HOOK_URL: hook.url, DOWN_URL: down.url } });
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
  [hook, down] = await Promise.all([startHookReceiver(), startHookReceiver()]);
  down.status = 500;
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.stop('SIGKILL')));
  await Promise.all([hook?.stop(), down?.stop()]);
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
    await poll(() => page.locator('iw-overview tr[data-dmarc="example.com"]').textContent()).toMatch(/example\.com[\s\S]*270\s*✕84\.4%/);
    expect(await page.locator('iw-overview tr[data-dmarc="example.com"] a').getAttribute('href')).toBe('/reports/example.com');
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
    // The alerts on the same axis (the range is still 30 days): every incident's firing and resolving.
    expect(await page.locator('iw-timeline tr[data-event="incident"]').allTextContents()).toEqual([
      expect.stringContaining('incident fired: FAILING: the audit job'),
      expect.stringContaining('incident resolved: FAILING: the audit job'),
      expect.stringContaining('incident fired: LISTED: 198.51.100.7 on SpamCop'),
      expect.stringContaining('incident resolved: LISTED: 198.51.100.7 on SpamCop'),
      expect.stringContaining('incident fired: DNS: example.com spf.authorizes pass → fail'),
      expect.stringContaining('incident fired: INBOX RATE: postbox at outlook 43% (below 80%)'),
      expect.stringContaining('incident fired: LISTED: 198.51.100.7 on SpamCop'),
    ]);
    await screenshot(page, '04-timeline');

    // A year as a custom range, in a new tab: charted per UTC week (the server says so), the same events listed.
    const year = await newPage(context);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const weekly = year.waitForResponse((r) => r.url().includes('/api/timeline?') && r.ok());
    await year.goto(`${url}/timeline?from=${day(Date.now() - 364 * 86_400_000)}&to=${day(Date.now())}`);
    const yearTimeline = (await (await weekly).json()) as { window: { bucket: string }; series: Array<{ provider: string; at: number[] }> };
    expect(yearTimeline.window.bucket).toBe('week');
    // Ten days of tests fall in two or three UTC weeks: each point starts on a Monday (the first may start at the range).
    for (const s of yearTimeline.series) {
      expect(s.at.length).toBeGreaterThanOrEqual(2);
      expect(s.at.length).toBeLessThanOrEqual(3);
      expect(s.at.slice(1).every((at) => new Date(at).getUTCDay() === 1)).toBe(true);
    }
    await poll(() => year.locator('iw-timeline tbody').first().textContent()).toContain('example.com: spf record changed');
    await screenshot(year, '04b-timeline-1y-weekly');
    await year.close();

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
    // Alert channels: where each sends (a webhook's origin only), and a test through each.
    expect(await page.locator('iw-settings tr[data-channel="ops-hook"]').textContent()).toContain(new URL(hook.url).origin);
    // The path, often the credential (Slack, Teams), is shown nowhere: not here, not in a failed attempt's error.
    expect(await page.locator('iw-settings tr[data-channel="ops-hook"]').textContent()).not.toContain('/hook');
    await page.getByRole('button', { name: 'Send a test to ops-hook' }).click();
    await poll(() => page.locator('iw-settings [data-channel-notice]').textContent()).toBe('ops-hook: test notification delivered.');
    expect(hook.received.map((h) => h.json.kind)).toEqual(['test']);
    await page.getByRole('button', { name: 'Send a test to down-hook' }).click();
    await poll(() => page.locator('iw-settings [data-channel-notice]').textContent()).toBe(`down-hook: not delivered: POST ${new URL(down.url).origin}/…: HTTP 500`);
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

  it('shows incidents with their state, notifications and filters, follows the range, and lets an admin acknowledge and silence', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await newPage(context);
    await signIn(page, url, ADMIN);

    // From the overview's open incident straight to its page.
    await page.locator('iw-overview li[data-incident="1"] a').click();
    await poll(() => page.locator('iw-alert [data-head]').textContent()).toMatch(/firing[\s\S]*critical[\s\S]*blocklist_listed/);
    expect(new URL(page.url()).pathname).toBe('/alerts/1');
    // The webhook answered 503 once and took the second attempt; the email went at once; a repeat a day later.
    const hook = page.locator('iw-alert tr[data-channel="hook"]');
    await poll(() => hook.textContent()).toMatch(/firing\s*✓?delivered\s*2/);
    expect(await hook.locator('ol.attempts').textContent()).toMatch(/failed: HTTP 503 Service Unavailable from hooks\.example\.test[\s\S]*delivered/);
    expect(await page.locator('iw-alert tr[data-channel="oncall"]').allTextContents()).toEqual([expect.stringMatching(/oncall\s*firing/), expect.stringMatching(/oncall\s*repeat/)]);
    expect(await page.locator('iw-alert tr[data-evidence]').first().textContent()).toMatch(/return code\s*127\.0\.0\.2/);
    await screenshot(page, '13-alert-firing');

    // The list over 7 days: two firing, one silenced, one resolved (the earlier listing); 30 days adds the failed job.
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    const count = (state: string) => page.locator(`iw-alerts [data-count="${state}"]`).textContent();
    await poll(() => count('firing')).toBe('2');
    expect([await count('silenced'), await count('acknowledged'), await count('resolved')]).toEqual(['1', '0', '1']);
    expect(await page.locator('iw-alerts tr[data-incident="3"] [data-state]').textContent()).toContain('silenced');
    // Which incidents a channel failed to tell anyone about: the inbox-rate drop's webhook gave up.
    expect(await page.locator('iw-alerts tr[data-incident="2"] [data-delivery]').textContent()).toContain('1 notification failed: hook');
    expect(await page.locator('iw-alerts tr[data-incident="1"] [data-delivery]').textContent()).toBe('3 notifications delivered');
    expect(await page.locator('iw-alerts tr[data-incident="4"]').textContent()).toMatch(/resolved[\s\S]*lasted 2\.0 d/);
    await page.getByRole('link', { name: '30d', exact: true }).click();
    await poll(() => count('resolved')).toBe('2');
    await page.getByRole('link', { name: '24h', exact: true }).click();
    await poll(() => count('resolved')).toBe('0');
    await poll(() => page.locator('iw-alerts tr[data-incident]').count()).toBe(3);
    await page.getByRole('link', { name: '7d', exact: true }).click();
    await poll(() => count('resolved')).toBe('1');
    await page.locator('iw-alerts [aria-label="Filter by state"] a', { hasText: 'silenced' }).click();
    await poll(() => page.locator('iw-alerts tr[data-incident]').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('state')).toBe('silenced');
    await page.locator('iw-alerts [aria-label="Filter by state"] a', { hasText: 'all' }).click();
    await poll(() => page.locator('iw-alerts tr[data-incident]').count()).toBe(4);
    await screenshot(page, '14-alerts-7d');

    // Acknowledge the inbox-rate incident: its state and the list change, and the server recorded who.
    await page.locator('iw-alerts tr[data-incident="2"] a').click();
    await poll(() => page.locator('iw-alert tr[data-channel="hook"]').textContent()).toMatch(/failed[\s\S]*HTTP 410 Gone from hooks\.example\.test/);
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await poll(() => page.locator('iw-alert [data-head] [data-state]').textContent()).toContain('acknowledged');
    expect(await page.locator('iw-alert [data-acked]').textContent()).toContain('by ops');
    expect(await page.getByRole('button', { name: 'Acknowledge' }).isDisabled()).toBe(true);
    await page.locator('iw-alert select[name="for"]').selectOption('7d');
    await page.getByRole('button', { name: 'Silence', exact: true }).click();
    await poll(() => page.locator('iw-alert [data-head] [data-state]').textContent()).toContain('silenced');
    await poll(() => page.locator('iw-alert [data-notice]').textContent()).toContain('Silenced for 1 week');
    const stored = await page.evaluate(async () => (await (await fetch('/api/alerts/2')).json()) as { incident: { ackedBy: string; silencedUntil: number } });
    expect(stored.incident.ackedBy).toBe('ops');
    expect(stored.incident.silencedUntil).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    await screenshot(page, '15-alert-acknowledged-silenced');
    await page.getByRole('link', { name: '← All alerts' }).click();
    await poll(() => count('silenced')).toBe('2');

    // A deep link to a resolved incident with its range.
    const deep = await newPage(context);
    await deep.goto(`${url}/alerts/5?range=30d`);
    await poll(() => deep.locator('iw-alert [data-head]').textContent()).toMatch(/resolved[\s\S]*probe_failing/);
    expect(await deep.locator('iw-alert section[aria-labelledby="act"]').textContent()).toContain('Resolved: nothing to silence or acknowledge.');
    await deep.close();
    await context.close();
  });

  it('shows a domain’s DMARC sources, pass rate, alignment, overrides, TLS reports and the file that failed', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await newPage(context);
    await signIn(page, url, ADMIN);
    // By keyboard alone: Tab along the navigation to Reports and follow it with Enter.
    const focused = () => page.evaluate<string>("document.querySelector('iw-app')?.shadowRoot?.activeElement?.textContent ?? ''");
    for (let presses = 0; presses < 20 && (await focused()) !== 'Reports'; presses++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('Reports');
    await page.keyboard.press('Enter');

    // The picker: 270 messages over the last 7 days, 228 passing DMARC.
    const domain = page.locator('iw-reports tr[data-domain="example.com"]');
    await poll(() => domain.textContent()).toMatch(/example\.com\s*270\s*✕84\.4%\s*6\s*1/);
    const rejected = page.locator('iw-reports tr[data-rejected]');
    expect(await rejected.textContent()).toMatch(/truncated\.xml[\s\S]*not well-formed XML: unclosed tag: org_name/);
    const href = (await rejected.locator('a').getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/api\/reports\/rejected\/\d+$/);
    expect(await page.evaluate(async (path) => (await fetch(path)).text(), href)).toContain('<org_name>broken.example');
    await screenshot(page, '16-reports');

    await domain.locator('a').click();
    expect(new URL(page.url()).pathname).toBe('/reports/example.com');
    const total = (name: string) => page.locator(`iw-report [data-total="${name}"]`).textContent();
    await poll(() => total('messages')).toBe('270');
    expect([await total('pass'), await total('would-reject')]).toEqual(['84.4%', '42']);
    // Per source: PTR and forward confirmation in words, alignment and DMARC pass, what p=reject would drop.
    const partly = page.locator('iw-report tr[data-source="192.0.2.99"]');
    expect(await partly.textContent()).toMatch(/mail\.unknown-sender\.test[\s\S]*not forward-confirmed/);
    expect(await partly.locator('[data-col="spf"]').textContent()).toBe('75%');
    expect(await partly.locator('[data-col="dkim"]').textContent()).toBe('0%');
    expect(await partly.locator('[data-col="dmarc"]').textContent()).toContain('75.0%');
    expect(await partly.locator('[data-col="would-reject"]').textContent()).toBe('6');
    const spoof = page.locator('iw-report tr[data-source="203.0.113.66"]');
    expect(await spoof.textContent()).toMatch(/unauthenticated[\s\S]*no PTR/);
    expect(await spoof.locator('[data-col="would-reject"]').textContent()).toBe('36');
    expect(await page.locator('iw-report tr[data-source="209.85.220.41"]').textContent()).toMatch(/FCrDNS[\s\S]*Google/);
    expect(await page.locator('iw-report tr[data-source="198.51.100.7"] [data-col="spf"]').textContent()).toBe('50%');
    // Alignment: 150 both, 60 DKIM only (postbox's SPF change, Google's forwarding), 18 SPF only, 42 neither.
    const alignment = (key: string) => page.locator(`iw-report tr[data-alignment="${key}"] td.num`).allTextContents();
    expect(await alignment('both')).toEqual(['150', '55.6%']);
    expect(await alignment('dkim-only')).toEqual(['60', '22.2%']);
    expect(await alignment('spf-only')).toEqual(['18', '6.7%']);
    expect(await alignment('neither')).toEqual(['42', '15.6%']);
    expect(await page.locator('iw-report tr[data-override="forwarded"]').textContent()).toMatch(/forwarded[\s\S]*30/);
    expect(await page.locator('iw-report tr[data-would-reject]').allTextContents()).toEqual([expect.stringMatching(/203\.0\.113\.66.*36/), expect.stringMatching(/192\.0\.2\.99.*6/)]);
    expect(await page.locator('iw-report [data-tls-summary]').textContent()).toMatch(/1 report: 120 sessions succeeded, 3 failed \(2\.4%\)/);
    expect(await page.locator('iw-report tr[data-tls-failure="certificate-expired"]').textContent()).toContain('3');
    expect(await page.locator('iw-report tr[data-failure]').textContent()).toMatch(/203\.0\.113\.66[\s\S]*dmarc[\s\S]*reject[\s\S]*d=example\.com s=forged[\s\S]*Your invoice is overdue/);
    // The chart: one bar and one point per day of the range with reports; the pass rate falls from 97.4% to 74.5%.
    await page.locator('iw-report iw-chart canvas').waitFor();
    await screenshot(page, '17-report-domain-7d');

    // The range: reports lag a day, so the last 24 hours hold none; 30 days hold the same six.
    await page.getByRole('link', { name: '24h', exact: true }).click();
    await poll(() => page.locator('iw-report .empty h3').textContent()).toBe('No reports for example.com in this range');
    await page.getByRole('link', { name: '30d', exact: true }).click();
    await poll(() => total('messages')).toBe('270');
    expect(new URL(page.url()).search).toBe('?range=30d');

    // A deep link in a new tab opens the same page with its range.
    const deep = await newPage(context);
    await deep.goto(`${url}/reports/example.com?range=30d`);
    await poll(() => deep.locator('iw-report [data-total="pass"]').textContent()).toBe('84.4%');
    await deep.close();
    await context.close();
  });

  it('lets a viewer see everything but not start a run', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await newPage(context);
    await signIn(page, url, VIEWER);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.locator('iw-settings [data-viewer]').waitFor();
    expect(await page.getByRole('button', { name: /Run .* now|Send a test/ }).count()).toBe(0);
    expect(await page.locator('iw-settings tr[data-channel]').count()).toBe(2);
    const status = await page.evaluate(async () => {
      const session = (await (await fetch('/api/session')).json()) as { csrf: string };
      return (await fetch('/api/jobs/housekeeping/run', { method: 'POST', headers: { 'x-csrf-token': session.csrf } })).status;
    });
    expect(status).toBe(403);

    // Alerts: a viewer sees the incident and its notifications, and why there are no buttons.
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.locator('iw-alerts tr[data-incident="1"] a').click();
    await poll(() => page.locator('iw-alert [data-viewer]').textContent()).toContain('only admin tokens can silence or acknowledge');
    expect(await page.getByRole('button', { name: /Acknowledge|Silence/ }).count()).toBe(0);
    expect(await page.locator('iw-alert tr[data-notification]').count()).toBe(3);
    const ack = await page.evaluate(async () => {
      const session = (await (await fetch('/api/session')).json()) as { csrf: string };
      return (await fetch('/api/alerts/1/ack', { method: 'POST', headers: { 'x-csrf-token': session.csrf } })).status;
    });
    expect(ack).toBe(403);
    await screenshot(page, '18-alert-viewer');
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
    const fits = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    await page.goto(`${url}/alerts?range=30d`);
    await poll(() => page.locator('iw-alerts tr[data-incident]').count()).toBe(5);
    expect(await fits()).toBeLessThanOrEqual(0);
    await screenshot(page, '19-alerts-phone-dark');
    await page.goto(`${url}/alerts/1`);
    await poll(() => page.locator('iw-alert tr[data-notification]').count()).toBe(3);
    expect(await fits()).toBeLessThanOrEqual(0);
    await screenshot(page, '19-alert-phone-dark');
    await page.goto(`${url}/reports/example.com?range=30d`);
    await poll(() => page.locator('iw-report tr[data-source]').count()).toBe(5);
    await page.locator('iw-report iw-chart canvas').waitFor();
    expect(await fits()).toBeLessThanOrEqual(0);
    await screenshot(page, '19-report-phone-dark');
    await context.close();
  });

  it('keeps every text at WCAG AA contrast on every view, in the light and the dark theme', async () => {
    const views = ['/', '/providers', '/timeline', '/tests', '/tests/1', '/domains', '/domains/example.com', '/blocklists', '/alerts', '/alerts/1', '/reports', '/reports/example.com', '/settings'];
    const failures: string[] = [];
    let texts = 0;
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
      const page = await newPage(context);
      await signIn(page, url, ADMIN);
      for (const view of views) {
        await page.goto(`${url}${view}${view.includes('/', 1) ? '' : '?range=30d'}`);
        await page.waitForLoadState('networkidle');
        await poll(() => page.locator('[aria-busy="true"]').count()).toBe(0);
        const { checked, failures: low } = await lowContrast(page);
        texts += checked;
        for (const f of low) failures.push(`${colorScheme} ${view}: "${f.text}" ${f.ratio}:1 < ${f.needed}:1 (${f.colour} on ${f.background})`);
      }
      await context.close();
    }
    // Every view showed its content, not only the navigation (about 12 texts).
    expect(texts).toBeGreaterThan(views.length * 2 * 40);
    expect(failures).toEqual([]);
  });

  it('logged no console errors or CSP violations', () => {
    // The refused requests the tests make on purpose (signed out, a forged write, a viewer's run) and the test
    // through the channel that answers 500 (a 502 from the server) are the only ones.
    expect(problems.filter((p) => !/status of (40[13]|502) /.test(p))).toEqual([]);
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
      ['Alerts', 'No alert rules configured'],
      ['Reports', 'No DMARC or TLS reports yet'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await poll(() => page.locator('main .empty h3').first().textContent()).toBe(text);
    }
    expect(await page.locator('main pre').first().textContent()).toContain('reports:\n  imap:');
    expect(await page.locator('main pre').nth(1).textContent()).toContain('v=DMARC1; p=none; rua=mailto:dmarc@example.com');
    await screenshot(page, '22-empty-reports');
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await poll(() => page.locator('main pre').first().textContent()).toContain('rules:\n    - { type: blocklist_listed');
    await screenshot(page, '23-empty-alerts');
    await context.close();
  });
});
