import { describe, expect, it } from 'vitest';
import type { Facts } from '../../../src/alerts/rule-facts.js';
import { observe } from '../../../src/alerts/rules.js';
import { renderEmail, subjectOf } from '../../../src/alerts/render-notification.js';
import { refuseUrl } from '../../../src/config/outbound-urls.js';
import type { CurrentStatus } from '../../../src/blocklists/history.js';
import { configSchema, type AlertRule } from '../../../src/config/schema.js';
import { parseConfigText } from '../../../src/config/parse.js';

const rule = (raw: Record<string, unknown>): AlertRule => configSchema.parse({ alerts: { rules: [raw] } }).alerts.rules[0] as AlertRule;
const empty: Facts = { blocklistStatuses: [], blocklistHealth: [], latestRuns: [], seeds: [], sends: [], verdicts: [], audits: [], recordChanges: [],
  dmarc: { now: 0, days: [], sources: new Map(), arrivals: [], reportAddress: undefined } };
const status = (over: Partial<CurrentStatus>): CurrentStatus => ({
  target: '192.0.2.20',
  zone: 'zen.spamhaus.org',
  list: 'Spamhaus ZEN',
  status: 'listed',
  lastKnown: 'listed',
  lastKnownCodes: ['127.0.0.2'],
  severity: 'high',
  allowlisted: false,
  codes: ['127.0.0.2'],
  meaning: 'SBL: Spamhaus Blocklist',
  reason: null,
  delistUrl: 'https://check.spamhaus.org/',
  error: null,
  since: 1,
  checkedAt: 2,
  ...over,
});

describe('blocklist_listed', () => {
  it('names the target, list and code, and keeps the last state on errors, suspect holds and unhealthy lists', () => {
    const r = rule({ type: 'blocklist_listed' });
    expect(observe(r, { ...empty, blocklistStatuses: [status({})] }, new Set()).map((o) => `${o.state} ${o.title}`)).toEqual(['bad LISTED: 192.0.2.20 on Spamhaus ZEN (SBL)']);
    expect(observe(r, { ...empty, blocklistStatuses: [status({ status: 'error' }), status({ target: '192.0.2.21', status: 'suspect' })] }, new Set())).toEqual([]);
    const unhealthy = { zone: 'zen.spamhaus.org', list: 'Spamhaus ZEN', healthy: false, cause: 'refused', since: 1, checkedAt: 2 };
    expect(observe(r, { ...empty, blocklistStatuses: [status({ status: 'clean' })], blocklistHealth: [unhealthy] }, new Set())).toEqual([]);
  });

  it('counts policy listings only when the rule asks for them', () => {
    const policyListing = { ...empty, blocklistStatuses: [status({ severity: 'info', meaning: 'PBL: policy' })] };
    expect(observe(rule({ type: 'blocklist_listed' }), policyListing, new Set()).map((o) => o.state)).toEqual(['good']);
    expect(observe(rule({ type: 'blocklist_listed', includePolicy: true }), policyListing, new Set()).map((o) => o.state)).toEqual(['bad']);
  });
});

describe('rate rules', () => {
  const verdicts = (placements: string[]) =>
    placements.map((placement, i) => ({ testId: 10 - i, testStartedAt: 1000 - i, provider: 'acme', mailboxProvider: 'gmail', seed: 's', placement, auth: null }));

  it('decide over the last N tests, leave our own errors out, and say nothing under the minimum sample', () => {
    const r = rule({ type: 'inbox_rate_below', threshold: 0.8, window: 3, minSamples: 3 });
    expect(observe(r, { ...empty, verdicts: verdicts(['inbox', 'spam', 'send-error', 'inbox']) }, new Set())).toEqual([]);
    const [o] = observe(r, { ...empty, verdicts: verdicts(['inbox', 'spam', 'spam', 'inbox', 'inbox']) }, new Set());
    expect(o).toMatchObject({ state: 'bad', key: 'acme', fact: '10', title: 'INBOX RATE 33.3%: acme (below 80%)' });
    const spam = rule({ type: 'spam_rate_above', threshold: 0.5, window: 3, minSamples: 3 });
    expect(observe(spam, { ...empty, verdicts: verdicts(['inbox', 'promotions', 'spam']) }, new Set())[0]?.state).toBe('good');
  });
});

describe('dns_regression', () => {
  it('fires on pass → fail (across an error in between), not on error, and carries before and after', () => {
    const check = (status: 'pass' | 'fail' | 'error', message: string) => ({ checkId: 'dmarc.policy', subject: null, status, message, remediation: null });
    const audit = (status: 'fail' | 'error') => ({ id: 2, domain: 'example.com', finishedAt: 5, checks: [check(status, 'now')], earlier: [{ id: 1, finishedAt: 1, checks: [check('error', 'timeout')] }, { id: 0, finishedAt: 0, checks: [check('pass', 'p=reject')] }] });
    const r = rule({ type: 'dns_regression' });
    const [o] = observe(r, { ...empty, audits: [audit('fail')] }, new Set());
    expect(o).toMatchObject({ state: 'bad', evidence: [{ label: 'before', value: 'pass: p=reject' }, { label: 'after', value: 'fail: now' }] });
    expect(observe(r, { ...empty, audits: [audit('error')] }, new Set())).toEqual([]);
  });

  it('leaves reports that stopped arriving to reports_stopped', () => {
    const arrival = (status: 'pass' | 'warn') => ({ checkId: 'dmarc.reports_received', subject: null, status, message: status, remediation: null });
    const audit = { id: 2, domain: 'example.com', finishedAt: 5, checks: [arrival('warn')], earlier: [{ id: 1, finishedAt: 1, checks: [arrival('pass')] }] };
    expect(observe(rule({ type: 'dns_regression' }), { ...empty, audits: [audit] }, new Set())).toEqual([]);
  });
});

describe('rendering', () => {
  it('puts the first title in the subject and counts the rest', () => {
    const item = { kind: 'firing' as const, incidentId: 1, rule: 'r', ruleType: 'blocklist_listed' as const, severity: 'critical' as const, key: 'k', title: 'LISTED: 192.0.2.20 on Spamhaus ZEN (SBL)', summary: 'x <b>', since: 0, resolvedAt: null, evidence: [{ label: 'reason', value: '<script>' }], actions: [], link: '/blocklists' };
    const n = { kind: 'alert' as const, createdAt: 60_000, dashboardUrl: 'https://iw.example/', items: [item, { ...item, kind: 'resolved' as const, resolvedAt: 60_000 }] };
    expect(subjectOf(n)).toBe('[inboxwatch] LISTED: 192.0.2.20 on Spamhaus ZEN (SBL) (+1 more)');
    const email = renderEmail(n);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;');
    expect(email.text).toContain('Dashboard: https://iw.example/alerts/1');
  });
});

describe('outbound URLs and configuration', () => {
  it('refuses non-http schemes and private or loopback targets unless allowed', () => {
    expect(refuseUrl('ftp://hooks.example.net/', false)).toContain('only http and https');
    expect(refuseUrl('http://127.0.0.1:9/x', false)).toContain('loopback');
    expect(refuseUrl('http://[::1]/x', false)).toContain('loopback');
    expect(refuseUrl('http://10.1.2.3/x', false)).toContain('private');
    expect(refuseUrl('http://localhost/x', false)).toContain('loopback');
    expect(refuseUrl('https://hooks.example.net/x', false)).toBeUndefined();
    expect(refuseUrl('http://127.0.0.1:9/x', true)).toBeUndefined();
  });

  it('names file, line and key for a rule naming an unknown channel, a private webhook and a duplicate rule', () => {
    const text = [
      'alerts:',
      '  channels:',
      '    - { name: hook, type: webhook, url: "http://192.168.1.5/hook" }',
      '  rules:',
      '    - { type: blocklist_listed, channels: [pager] }',
      '    - { type: blocklist_listed }',
      '    - { type: inbox_rate_below, threshold: 1.5 }',
      '',
    ].join('\n');
    expect(() => parseConfigText(text, 'inboxwatch.yaml', {})).toThrow(
      [
        'inboxwatch.yaml:7:44: alerts.rules[2].threshold: Too big: expected number to be <=1',
        'inboxwatch.yaml:3:41: alerts.channels[0].url: 192.168.1.5 is a private address; set alerts.allowPrivateUrls to allow it',
        'inboxwatch.yaml:5:44: alerts.rules[0].channels[0]: unknown channel "pager"',
        'inboxwatch.yaml:6:15: alerts.rules[1].type: a second rule named "blocklist_listed"; give each rule of one type its own name',
      ].join('\n'),
    );
  });
});

describe('webhook bodies', () => {
  it('carry machine-readable times in JSON and a mrkdwn section per incident for Slack', async () => {
    const { webhookBody, slackBody } = await import('../../../src/alerts/render-notification.js');
    const item = { kind: 'resolved' as const, incidentId: 7, rule: 'r', ruleType: 'probe_failing' as const, severity: 'warning' as const, key: 'job audit', title: 'PROBE FAILING: job audit', summary: '', since: 0, resolvedAt: 60_000, evidence: [{ label: 'last error', value: 'a<b' }], actions: [], link: '/settings' };
    const n = { kind: 'alert' as const, createdAt: 60_000, dashboardUrl: 'https://iw.example', items: [item] };
    expect(webhookBody(n)).toMatchObject({ kind: 'alert', createdAt: '1970-01-01T00:01:00.000Z', alerts: [{ status: 'resolved', incident: 7, resolvedAt: '1970-01-01T00:01:00.000Z', url: 'https://iw.example/alerts/7' }] });
    const slack = slackBody(n) as { text: string; blocks: Array<{ text: { text: string } }> };
    expect(slack.text).toBe('[inboxwatch] RESOLVED: PROBE FAILING: job audit');
    expect(slack.blocks[0]?.text.text).toContain('• last error: `a&lt;b`');
    expect(slack.blocks[0]?.text.text).toContain('<https://iw.example/alerts/7|Open in the dashboard>');
  });
});
