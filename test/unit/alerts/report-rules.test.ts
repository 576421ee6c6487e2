import { describe, expect, it } from 'vitest';
import { applyObservation, type IncidentDraft } from '../../../src/alerts/incidents.js';
import { policyOf } from '../../../src/alerts/engine.js';
import { dmarcNeeds } from '../../../src/alerts/report-facts.js';
import { renderEmail, slackBody, subjectOf } from '../../../src/alerts/render-notification.js';
import { sourceWindowKey, type DmarcFacts, type Facts } from '../../../src/alerts/rule-facts.js';
import { observe } from '../../../src/alerts/rules.js';
import type { Notification, Observation } from '../../../src/alerts/types.js';
import { parseConfigText } from '../../../src/config/parse.js';
import { configSchema, type AlertRule } from '../../../src/config/schema.js';
import type { DomainSources, WindowSource } from '../../../src/reports/dmarc-facts.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const D0 = Date.UTC(2026, 0, 10);
const rule = (raw: Record<string, unknown>): AlertRule => configSchema.parse({ alerts: { rules: [raw] } }).alerts.rules[0] as AlertRule;
const dmarc = (over: Partial<DmarcFacts>): Facts => ({
  blocklistStatuses: [],
  blocklistHealth: [],
  latestRuns: [],
  seeds: [],
  sends: [],
  verdicts: [],
  audits: [],
  recordChanges: [],
  dmarc: { now: D0, days: [], sources: new Map(), arrivals: [], reportAddress: 'dmarc@reports.test', ...over },
});
const source = (over: Partial<WindowSource>): WindowSource => ({
  ip: '198.51.100.23',
  firstDay: D0 - DAY,
  lastDay: D0,
  messages: 40,
  failed: 40,
  forwarded: 0,
  spfFailed: 40,
  dkimFailed: 40,
  lastDayMessages: 20,
  lastDayFailed: 20,
  seenBefore: null,
  info: { ip: '198.51.100.23', status: 'ok', ptr: 'host23.cheap-vps.example', fcrdns: false, baseDomain: 'cheap-vps.example', label: null, error: null, checkedAt: D0 },
  ...over,
});
const sourcesFacts = (r: AlertRule, list: WindowSource[], domain = 'example.com'): Facts => {
  const window = 'window' in r ? r.window : 0;
  const lookback = 'lookback' in r ? r.lookback : 0;
  const entry: DomainSources = { domain, oldestDay: D0 - 90 * DAY, newestDay: D0, windowStart: D0 + DAY - window, sources: list };
  return dmarc({ sources: new Map([[sourceWindowKey(window, lookback), [entry]]]) });
};
const states = (observations: Observation[]) => observations.map((o) => `${o.key}: ${o.state}`);

describe('dmarc_new_source', () => {
  const r = rule({ type: 'dmarc_new_source' });

  it('fires on a source unseen in the lookback whose failing mail reaches minMessages, naming IP, PTR, FCrDNS, volume, first seen and what to do', () => {
    const [o] = observe(r, sourcesFacts(r, [source({})]), new Set());
    expect(o).toMatchObject({ key: 'example.com 198.51.100.23', state: 'bad', since: D0 - DAY, link: '/domains/example.com' });
    expect(o?.title).toBe('NEW UNAUTHENTICATED SOURCE: 198.51.100.23 (host23.cheap-vps.example) sending as example.com');
    expect(o?.summary).toBe('198.51.100.23 (host23.cheap-vps.example) began sending as example.com on 2026-01-09, unseen in the 30 days before; 40 of its 40 messages failed DMARC (neither aligned SPF nor aligned DKIM passed).');
    expect(o?.evidence).toEqual([
      { label: 'source IP', value: '198.51.100.23' },
      { label: 'reverse DNS', value: 'host23.cheap-vps.example' },
      { label: 'FCrDNS', value: 'not confirmed: the PTR name does not resolve back to this IP' },
      { label: 'network', value: 'cheap-vps.example' },
      { label: 'messages', value: '40 from 2026-01-09 to 2026-01-10; 40 failed DMARC' },
      { label: 'SPF / DKIM', value: 'SPF failed or not aligned on 40 messages, DKIM on 40' },
      { label: 'first seen', value: '2026-01-09 (nothing from it as example.com in the 30 days before)' },
    ]);
    expect(o?.actions.join('\n')).toMatch(/add it to example.com's SPF record .* DKIM-sign with d=example.com/);
    expect(o?.actions.join('\n')).toMatch(/spoofing example.com: .* p=quarantine and then p=reject/);
  });

  it('names a known sender by its label and says when reverse DNS is missing, failed or pending', () => {
    const ses = source({ info: { ip: '198.51.100.23', status: 'ok', ptr: 'a1.smtp-out.amazonses.com', fcrdns: true, baseDomain: 'amazonses.com', label: 'Amazon SES', error: null, checkedAt: D0 } });
    const [known] = observe(r, sourcesFacts(r, [ses]), new Set());
    expect(known?.title).toBe('NEW UNAUTHENTICATED SOURCE: 198.51.100.23 (Amazon SES) sending as example.com');
    expect(known?.evidence).toContainEqual({ label: 'FCrDNS', value: 'confirmed: the PTR name resolves back to this IP' });
    expect(known?.evidence).toContainEqual({ label: 'known sender', value: 'Amazon SES (amazonses.com)' });
    const reverse = (info: WindowSource['info']) => observe(r, sourcesFacts(r, [source({ info })]), new Set())[0]?.evidence.find((e) => e.label === 'reverse DNS')?.value;
    expect(reverse({ ip: '198.51.100.23', status: 'ok', ptr: null, fcrdns: false, baseDomain: null, label: null, error: null, checkedAt: D0 })).toBe('no PTR record');
    expect(reverse({ ip: '198.51.100.23', status: 'error', ptr: null, fcrdns: null, baseDomain: null, label: null, error: 'SERVFAIL', checkedAt: D0 })).toBe('lookup failed (SERVFAIL); tried again on the next reports run');
    expect(reverse(undefined)).toBe('not looked up yet');
  });

  it('says nothing below minMessages, for a source seen in the lookback, or for a failing source outside the rule’s domain', () => {
    expect(observe(r, sourcesFacts(r, [source({ failed: 9 })]), new Set())).toEqual([]);
    expect(observe(rule({ type: 'dmarc_new_source', minMessages: 5 }), sourcesFacts(rule({ type: 'dmarc_new_source', minMessages: 5 }), [source({ failed: 5 })]), new Set())[0]?.state).toBe('bad');
    expect(observe(r, sourcesFacts(r, [source({ seenBefore: D0 - 20 * DAY })]), new Set())).toEqual([]);
    const scoped = rule({ type: 'dmarc_new_source', domain: 'other.example' });
    expect(observe(scoped, sourcesFacts(scoped, [source({})]), new Set())).toEqual([]);
  });

  it('takes the sources of the domain’s first reported day as its baseline: a first import pages nobody', () => {
    const withOldest = (oldestDay: number): Facts => {
      const facts = sourcesFacts(r, [source({})]);
      const entries = [...(facts.dmarc.sources.get(sourceWindowKey(7 * DAY, 30 * DAY)) ?? [])].map((e) => ({ ...e, oldestDay }));
      return { ...facts, dmarc: { ...facts.dmarc, sources: new Map([[sourceWindowKey(7 * DAY, 30 * DAY), entries]]) } };
    };
    expect(observe(r, withOldest(D0 - DAY), new Set())).toEqual([]);
    expect(observe(r, withOldest(D0 - 2 * DAY), new Set())).toHaveLength(1);
  });

  it('does not count forwarded or mailing-list failures the receiver let through towards minMessages', () => {
    const forwarder = source({ failed: 40, forwarded: 35 });
    expect(observe(r, sourcesFacts(r, [forwarder]), new Set())).toEqual([]);
    const [o] = observe(r, sourcesFacts(r, [source({ failed: 40, forwarded: 30 })]), new Set());
    expect(o?.evidence).toContainEqual({ label: 'forwarded', value: '30 of the failures were let through by receivers as forwarded or mailing-list mail' });
  });

  it('says nothing when the newest report day is older than the window and a few days of reporting lag', () => {
    const late = (now: number) => observe(r, { ...sourcesFacts(r, [source({})]), dmarc: { ...sourcesFacts(r, [source({})]).dmarc, now } }, new Set([`example.com 192.0.2.1`]));
    expect(late(D0 + 7 * DAY + 3 * DAY + DAY)).toHaveLength(2);
    expect(late(D0 + 7 * DAY + 3 * DAY + DAY + 1)).toEqual([]);
  });

  it('reads the facts of its own window and lookback', () => {
    const narrow = rule({ type: 'dmarc_new_source', window: '1d', lookback: '90d' });
    expect(observe(narrow, sourcesFacts(r, [source({})]), new Set())).toEqual([]);
    expect(observe(narrow, sourcesFacts(narrow, [source({})]), new Set())).toHaveLength(1);
    expect(dmarcNeeds([r, narrow, rule({ type: 'dmarc_new_source', name: 'again' })], undefined).sourceWindows).toEqual([
      { window: 7 * DAY, lookback: 30 * DAY },
      { window: DAY, lookback: 90 * DAY },
    ]);
  });

  it('resolves once the source’s newest day passes (it was authorised) or it is gone from the window; a persistent failure keeps the incident', () => {
    const key = 'example.com 198.51.100.23';
    const open = new Set([key]);
    const authorised = source({ seenBefore: D0 - 8 * DAY, lastDayFailed: 0 });
    expect(states(observe(r, sourcesFacts(r, [authorised]), open))).toEqual([`${key}: good`]);
    expect(states(observe(r, sourcesFacts(r, [source({ ip: '192.0.2.1', failed: 0, lastDayFailed: 0 })]), open))).toEqual(['example.com 192.0.2.1: good', `${key}: good`]);
    expect(observe(r, sourcesFacts(r, [source({ seenBefore: D0 - 8 * DAY })]), open)).toEqual([]);
    // Open incidents of another domain are not resolved by this domain's facts.
    expect(observe(r, sourcesFacts(r, [], 'other.example'), open)).toEqual([]);
  });
});

describe('dmarc_pass_rate_below', () => {
  const days = (...list: Array<[number, number, number]>): DmarcFacts['days'] => [
    { domain: 'example.com', newestDay: D0, days: list.map(([back, messages, passed]) => ({ day: D0 - back * DAY, messages, passed })) },
  ];

  it('fires below the floor on the newest report day, with the window before as evidence', () => {
    const r = rule({ type: 'dmarc_pass_rate_below', threshold: 0.9 });
    const [o] = observe(r, dmarc({ days: days([1, 1000, 990], [0, 1000, 720]) }), new Set());
    expect(o).toMatchObject({ key: 'example.com', state: 'bad', fact: `${D0} 1000 720`, title: 'DMARC PASS RATE 72%: example.com (below 90%)' });
    expect(o?.summary).toBe('72% of the mail sent as example.com passed DMARC (2026-01-10; 280 of 1000 messages failed): below 90%.');
    expect(o?.evidence).toEqual([
      { label: 'pass rate', value: '72% (720 of 1000 messages, 2026-01-10)' },
      { label: 'window before', value: '99% (990 of 1000)' },
      { label: 'threshold', value: 'below 90%' },
    ]);
    expect(observe(r, dmarc({ days: days([0, 1000, 950]) }), new Set())[0]?.state).toBe('good');
  });

  it('fires on a drop of dropBy points against the window before, judged only when both windows have minMessages', () => {
    const r = rule({ type: 'dmarc_pass_rate_below', dropBy: 0.1, window: '2d', minMessages: 100 });
    const [o] = observe(r, dmarc({ days: days([3, 100, 100], [2, 100, 98], [1, 100, 90], [0, 100, 80]) }), new Set());
    expect(o).toMatchObject({ state: 'bad', title: 'DMARC PASS RATE 85%: example.com (down 14 points from 99%)' });
    expect(o?.evidence[0]).toEqual({ label: 'pass rate', value: '85% (170 of 200 messages, 2026-01-09 to 2026-01-10)' });
    expect(o?.evidence).toContainEqual({ label: 'drop', value: 'a fall of 10 points or more' });
    // A fall of exactly 10 points counts; 9 does not.
    expect(observe(r, dmarc({ days: days([3, 100, 100], [2, 100, 100], [1, 100, 90], [0, 100, 90]) }), new Set())[0]?.state).toBe('bad');
    expect(observe(r, dmarc({ days: days([3, 100, 100], [2, 100, 100], [1, 100, 91], [0, 100, 91]) }), new Set())[0]?.state).toBe('good');
    // Too little before to compare: no drop, and no floor configured: good.
    expect(observe(r, dmarc({ days: days([2, 50, 50], [1, 100, 10], [0, 100, 10]) }), new Set())[0]).toMatchObject({ state: 'good' });
  });

  it('says nothing about a window under minMessages (one tiny report pages nobody) or about reports long past', () => {
    const r = rule({ type: 'dmarc_pass_rate_below', threshold: 0.9 });
    expect(observe(r, dmarc({ days: days([0, 99, 0]) }), new Set())).toEqual([]);
    expect(observe(r, dmarc({ now: D0 + 4 * DAY, days: days([0, 1000, 0]) }), new Set())).toHaveLength(1);
    expect(observe(r, dmarc({ now: D0 + 30 * DAY, days: days([0, 1000, 0]) }), new Set())).toEqual([]);
    expect(observe(rule({ type: 'dmarc_pass_rate_below', threshold: 0.9, domain: 'other.example' }), dmarc({ days: days([0, 1000, 0]) }), new Set())).toEqual([]);
  });

  it('fires once, stays quiet while the same facts are seen again, and resolves when a new day passes', () => {
    const r = rule({ type: 'dmarc_pass_rate_below', threshold: 0.9 });
    const policy = policyOf(r);
    const bad = observe(r, dmarc({ days: days([0, 1000, 700]) }), new Set())[0] as Observation;
    const fired = applyObservation(undefined, bad, policy, D0);
    expect(fired.notify).toBe('firing');
    const again = applyObservation(fired.next, bad, policy, D0 + HOUR);
    expect(again.notify).toBeUndefined();
    const next = { domain: 'example.com', newestDay: D0 + DAY, days: [{ day: D0, messages: 1000, passed: 700 }, { day: D0 + DAY, messages: 1000, passed: 990 }] };
    const good = observe(r, dmarc({ days: [next] }), new Set([bad.key]))[0] as Observation;
    expect(applyObservation(again.next as IncidentDraft, good, policy, D0 + DAY).notify).toBe('resolved');
  });
});

describe('reports_stopped', () => {
  const r = rule({ type: 'reports_stopped' });
  const arrival = (lastReportAt: number, rua: string[] | null = ['dmarc@reports.test']) => ({ domain: 'example.com', lastReportAt, rua });

  it('fires after 48 h without a report for a domain whose rua sends them to our address', () => {
    const [o] = observe(r, dmarc({ now: D0, arrivals: [arrival(D0 - 49 * HOUR)] }), new Set());
    expect(o).toMatchObject({ key: 'example.com', state: 'bad', title: 'REPORTS STOPPED: no DMARC report for example.com in 49 hours', since: D0 - 49 * HOUR });
    expect(o?.summary).toBe("example.com's DMARC record sends aggregate reports to dmarc@reports.test, but none has arrived since 2026-01-07 23:00 UTC.");
    expect(o?.evidence).toEqual([
      { label: 'last report arrived', value: '2026-01-07 23:00 UTC' },
      { label: 'silent for', value: '49 hours (alert after 48 hours)' },
      { label: 'rua', value: 'mailto:dmarc@reports.test' },
    ]);
    expect(observe(r, dmarc({ now: D0, arrivals: [arrival(D0 - 10 * DAY)] }), new Set())[0]?.title).toBe('REPORTS STOPPED: no DMARC report for example.com in 10 days');
    expect(observe(r, dmarc({ now: D0, arrivals: [arrival(D0 - 47 * HOUR)] }), new Set())[0]?.state).toBe('good');
    expect(observe(rule({ type: 'reports_stopped', after: '12h' }), dmarc({ now: D0, arrivals: [arrival(D0 - 13 * HOUR)] }), new Set())[0]?.state).toBe('bad');
  });

  it('counts each hour of silence as a new fact, so `for` counts hours and re-evaluating within one does not', () => {
    const at = (now: number) => observe(r, dmarc({ now, arrivals: [arrival(D0 - 49 * HOUR)] }), new Set())[0]?.fact;
    expect(at(D0)).toBe(at(D0 + 59 * 60_000));
    expect(at(D0)).not.toBe(at(D0 + HOUR));
  });

  it('says nothing without a report address or an audited DMARC record, and is good when rua points elsewhere', () => {
    expect(observe(r, dmarc({ reportAddress: undefined, arrivals: [arrival(0)] }), new Set())).toEqual([]);
    expect(observe(r, dmarc({ arrivals: [arrival(0, null)] }), new Set())).toEqual([]);
    expect(states(observe(r, dmarc({ arrivals: [arrival(0, ['someone@elsewhere.example'])] }), new Set()))).toEqual(['example.com: good']);
    expect(observe(r, dmarc({ reportAddress: 'DMARC@Reports.Test', arrivals: [arrival(0)] }), new Set())[0]?.state).toBe('bad');
  });
});

describe('report rule configuration', () => {
  const check = (rules: string) => {
    try {
      parseConfigText(`alerts:\n  rules:\n${rules}`, '/etc/inboxwatch.yaml', {});
      return [];
    } catch (error) {
      return (error as Error).message.split('\n');
    }
  };

  it('takes the documented defaults', () => {
    expect(rule({ type: 'dmarc_new_source' })).toMatchObject({ window: 7 * DAY, lookback: 30 * DAY, minMessages: 10, for: 1 });
    expect(rule({ type: 'dmarc_pass_rate_below', threshold: 0.95 })).toMatchObject({ window: DAY, minMessages: 100, threshold: 0.95 });
    expect(rule({ type: 'reports_stopped' })).toMatchObject({ after: 48 * HOUR });
  });

  it('names file, line and key of bad values', () => {
    expect(check('    - { type: dmarc_pass_rate_below }\n')).toEqual([
      expect.stringMatching(/^\/etc\/inboxwatch.yaml:3:\d+: alerts.rules\[0\].type: dmarc_pass_rate_below needs threshold \(a floor such as 0.9\), dropBy \(a fall such as 0.1\) or both$/),
    ]);
    expect(check('    - type: dmarc_pass_rate_below\n      threshold: 90\n')).toEqual(['/etc/inboxwatch.yaml:4:18: alerts.rules[0].threshold: expected a share between 0 and 1, such as 0.9 for 90%']);
    expect(check('    - type: dmarc_pass_rate_below\n      dropBy: 0\n')).toEqual(['/etc/inboxwatch.yaml:4:15: alerts.rules[0].dropBy: expected a fall above 0, such as 0.1 for 10 points']);
    expect(check('    - type: dmarc_new_source\n      window: 36h\n')).toEqual([
      '/etc/inboxwatch.yaml:4:15: alerts.rules[0].window: expected whole days such as 1d or 7d (report data is kept per day), got 36h',
    ]);
    expect(check('    - type: dmarc_new_source\n      minMessages: 0\n')).toEqual([expect.stringMatching(/^\/etc\/inboxwatch.yaml:4:\d+: alerts.rules\[0\].minMessages: /)]);
    expect(check('    - type: reports_stopped\n      after: soon\n')).toEqual(['/etc/inboxwatch.yaml:4:14: alerts.rules[0].after: expected a duration such as 30s, 10m or 1h, got "soon"']);
    expect(check('    - type: reports_stopped\n      lookback: 7d\n')).toEqual([expect.stringMatching(/^\/etc\/inboxwatch.yaml:4:\d+: alerts.rules\[0\]: unknown key "lookback"$/)]);
  });
});

describe('rendered notifications', () => {
  it('read well as email and Slack text', () => {
    const r = rule({ type: 'dmarc_new_source' });
    const o = observe(r, sourcesFacts(r, [source({})]), new Set())[0] as Observation;
    const notification: Notification = {
      kind: 'alert',
      createdAt: D0,
      dashboardUrl: 'https://inboxwatch.example.net',
      items: [{ kind: 'firing', incidentId: 7, rule: 'dmarc_new_source', ruleType: 'dmarc_new_source', severity: 'warning', key: o.key, title: o.title, summary: o.summary, since: o.since, resolvedAt: null, evidence: o.evidence, actions: o.actions, link: o.link }],
    };
    expect(subjectOf(notification)).toBe('[inboxwatch] NEW UNAUTHENTICATED SOURCE: 198.51.100.23 (host23.cheap-vps.example) sending as example.com');
    const email = renderEmail(notification);
    expect(email.text).toContain('Dashboard: https://inboxwatch.example.net/alerts/7');
    expect(email.text).toContain('FCrDNS: not confirmed');
    const slack = JSON.stringify(slackBody(notification));
    expect(slack).toContain('198.51.100.23');
  });
});
