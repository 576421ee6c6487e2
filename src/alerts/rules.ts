import type { AlertRule } from '../config/schema.js';
import { observeNewSources, observePassRate, observeReportsStopped } from './report-rules.js';
import type { AuditFact, CheckFact, Facts, VerdictFact } from './rule-facts.js';
import type { Observation } from './types.js';

type RuleOf<T extends AlertRule['type']> = Extract<AlertRule, { type: T }>;

/** A rule's name: incidents are keyed by it. */
export const ruleName = (rule: AlertRule): string => rule.name ?? rule.type;

/**
 * What one rule concludes from the facts, one observation per key it has facts about. A key with no
 * observation (its facts are errors, or too few) keeps whatever state its incident had.
 * `openKeys` are the keys of the rule's open incidents, for rules that resolve on the absence of a change.
 */
export function observe(rule: AlertRule, facts: Facts, openKeys: ReadonlySet<string>): Observation[] {
  switch (rule.type) {
    case 'blocklist_listed':
      return observeListings(rule, facts);
    case 'inbox_rate_below':
    case 'spam_rate_above':
    case 'missing_rate_above':
      return observeRate(rule, facts.verdicts);
    case 'auth_failing':
      return observeAuth(rule, facts.verdicts);
    case 'dns_regression':
      return observeDns(rule, facts, openKeys);
    case 'probe_failing':
      return observeProbes(rule, facts);
    case 'dmarc_new_source':
      return observeNewSources(rule, facts.dmarc, openKeys);
    case 'dmarc_pass_rate_below':
      return observePassRate(rule, facts.dmarc);
    case 'reports_stopped':
      return observeReportsStopped(rule, facts.dmarc);
  }
}

const blank = { evidence: [], actions: [], summary: '', title: '' };

function observeListings(rule: RuleOf<'blocklist_listed'>, facts: Facts): Observation[] {
  const unhealthy = new Set(facts.blocklistHealth.filter((h) => !h.healthy).map((h) => h.zone));
  const observations: Observation[] = [];
  for (const s of facts.blocklistStatuses) {
    if (rule.target !== undefined && s.target !== rule.target) continue;
    if (rule.zone !== undefined && s.zone !== rule.zone.toLowerCase()) continue;
    // An error, a held mass listing or a list we could not trust this sweep says nothing new: keep the last state.
    if (s.status === 'error' || s.status === 'suspect' || unhealthy.has(s.zone)) continue;
    const key = `${s.target} ${s.zone}`;
    const fact = String(s.checkedAt);
    const counts = s.status === 'listed' && !s.allowlisted && (s.severity === 'high' || rule.includePolicy);
    if (!counts) {
      observations.push({ ...blank, key, fact, state: 'good', since: s.since, link: '/blocklists' });
      continue;
    }
    const code = s.meaning?.split(':')[0]?.trim();
    const evidence = [
      { label: 'list', value: `${s.list} (${s.zone})` },
      { label: 'return code', value: s.codes.join(', ') },
    ];
    if (s.meaning) evidence.push({ label: 'meaning', value: s.meaning });
    if (s.reason) evidence.push({ label: 'reason given', value: s.reason });
    if (s.severity === 'info') evidence.push({ label: 'severity', value: 'policy listing: says how the address may send, not that it sent spam' });
    observations.push({
      key,
      fact,
      state: 'bad',
      title: `LISTED: ${s.target} on ${s.list}${code ? ` (${code})` : ''}`,
      summary: `${s.target} is listed on ${s.list}${s.meaning ? `: ${s.meaning}` : ''}.`,
      since: s.since,
      evidence,
      actions: [
        'Find and stop what sent the mail that got it listed (a compromised account, a bad list, a form without confirmation).',
        s.delistUrl ? `Then request removal at ${s.delistUrl}` : `Then follow ${s.list}'s removal procedure.`,
      ],
      link: '/blocklists',
    });
  }
  return observations;
}

type RateRule = RuleOf<'inbox_rate_below'> | RuleOf<'spam_rate_above'> | RuleOf<'missing_rate_above'>;

/** Placements that reached the inbox: the primary inbox or a Gmail tab (not spam, not another folder). */
const INBOX = new Set(['inbox', 'promotions', 'social', 'updates', 'forums']);
const OUR_FAULT = new Set(['error', 'send-error']);

const RATE: Record<RateRule['type'], { word: string; counts: (placement: string) => boolean; bad: (rate: number, threshold: number) => boolean; direction: string }> = {
  inbox_rate_below: { word: 'inbox', counts: (p) => INBOX.has(p), bad: (r, t) => r < t, direction: 'below' },
  spam_rate_above: { word: 'spam', counts: (p) => p === 'spam', bad: (r, t) => r > t, direction: 'above' },
  missing_rate_above: { word: 'missing', counts: (p) => p === 'missing', bad: (r, t) => r > t, direction: 'above' },
};

const percent = (share: number): string => `${Number((share * 100).toFixed(1))}%`;

function groupByProvider(verdicts: readonly VerdictFact[], provider: string | undefined, window: number): Map<string, VerdictFact[]> {
  const groups = new Map<string, { tests: number[]; verdicts: VerdictFact[] }>();
  for (const v of verdicts) {
    if (provider !== undefined && v.provider !== provider) continue;
    const group = groups.get(v.provider) ?? { tests: [], verdicts: [] };
    if (!group.tests.includes(v.testId)) {
      if (group.tests.length >= window) continue;
      group.tests.push(v.testId);
    }
    group.verdicts.push(v);
    groups.set(v.provider, group);
  }
  return new Map([...groups].map(([p, g]) => [p, g.verdicts]));
}

function observeRate(rule: RateRule, verdicts: readonly VerdictFact[]): Observation[] {
  const spec = RATE[rule.type];
  const observations: Observation[] = [];
  for (const [provider, all] of groupByProvider(verdicts, rule.provider, rule.window)) {
    const mine = all.filter((v) => (rule.mailboxProvider === undefined || v.mailboxProvider === rule.mailboxProvider) && !OUR_FAULT.has(v.placement));
    if (mine.length < rule.minSamples) continue;
    const count = mine.filter((v) => spec.counts(v.placement)).length;
    const rate = count / mine.length;
    const tests = [...new Set(mine.map((v) => v.testId))];
    const scope = rule.mailboxProvider ? `${provider} → ${rule.mailboxProvider}` : provider;
    const key = rule.mailboxProvider ? `${provider} ${rule.mailboxProvider}` : provider;
    const placements = new Map<string, number>();
    for (const v of mine) placements.set(v.placement, (placements.get(v.placement) ?? 0) + 1);
    observations.push({
      key,
      fact: String(Math.max(...tests)),
      state: spec.bad(rate, rule.threshold) ? 'bad' : 'good',
      title: `${spec.word.toUpperCase()} RATE ${percent(rate)}: ${scope} (${spec.direction} ${percent(rule.threshold)})`,
      summary: `${scope}: ${count} of ${mine.length} seed messages ${spec.word === 'inbox' ? 'reached the inbox' : spec.word === 'spam' ? 'went to spam' : 'never arrived'} over the last ${tests.length} tests, ${spec.direction} the ${percent(rule.threshold)} threshold.`,
      since: Math.min(...mine.map((v) => v.testStartedAt)),
      evidence: [
        { label: `${spec.word} rate`, value: `${percent(rate)} (${count}/${mine.length})` },
        { label: 'threshold', value: `${spec.direction} ${percent(rule.threshold)}` },
        { label: 'tests', value: tests.map((t) => `#${t}`).join(', ') },
        { label: 'placements', value: [...placements].map(([p, n]) => `${n} ${p}`).join(', ') },
      ],
      actions: [
        'Open the tests below and compare the spam indicators and authentication results of the messages that missed the inbox.',
        'Check recent content or list changes and the provider’s sending IPs on blocklists.',
      ],
      link: '/providers',
    });
  }
  return observations;
}

function observeAuth(rule: RuleOf<'auth_failing'>, verdicts: readonly VerdictFact[]): Observation[] {
  const observations: Observation[] = [];
  for (const [provider, mine] of groupByProvider(verdicts, rule.provider, rule.window)) {
    const judged = mine.filter((v) => v.auth !== null);
    if (judged.length === 0) continue;
    const failures = judged.flatMap((v) => rule.methods.filter((m) => v.auth?.[m] === 'fail').map((m) => ({ method: m, v })));
    const methods = [...new Set(failures.map((f) => f.method))];
    const tests = [...new Set(judged.map((v) => v.testId))];
    observations.push({
      key: provider,
      fact: String(Math.max(...tests)),
      state: failures.length > 0 ? 'bad' : 'good',
      title: `AUTH FAILING: ${methods.join('/').toUpperCase()} fail for ${provider}`,
      summary: `Receiving mailboxes reported ${methods.join(', ')} failing for mail sent through ${provider} in the last ${tests.length} tests.`,
      since: Math.min(...failures.map((f) => f.v.testStartedAt), Date.UTC(9999, 0)),
      evidence: failures.slice(0, 10).map((f) => ({ label: `${f.method} fail`, value: `test #${f.v.testId}, seed ${f.v.seed} (${f.v.mailboxProvider})` })),
      actions: ['Run `inboxwatch audit` for the sending domain and check that the provider signs with a published DKIM key and is included in SPF.'],
      link: '/providers',
    });
  }
  return observations;
}

/** Record kinds whose change can break delivery; BIMI and TLS-RPT changes are news, not regressions. */
const WATCHED_RECORDS = /^(spf|dmarc|mx|dkim(:.*)?|mta-sts(\..*)?)$/;
const BAD_CHECK = new Set(['warn', 'fail']);
const NOT_DNS_CHECKS = new Set(['dmarc.reports_received']);

const checkKey = (domain: string, check: CheckFact): string => `check ${domain} ${check.checkId}${check.subject ? ` ${check.subject}` : ''}`;

function observeDns(rule: RuleOf<'dns_regression'>, facts: Facts, openKeys: ReadonlySet<string>): Observation[] {
  const inScope = (domain: string) => rule.domain === undefined || domain === rule.domain.toLowerCase();
  const observations: Observation[] = [];
  for (const audit of facts.audits) {
    if (!inScope(audit.domain)) continue;
    observations.push(...checkRegressions(audit));
    const changed = new Set(facts.recordChanges.filter((c) => c.auditId === audit.id).map((c) => `record ${c.domain} ${c.kind}`));
    // A record incident resolves (quietly) once an audit sees the record without a further change.
    for (const key of openKeys) {
      if (key.startsWith(`record ${audit.domain} `) && !changed.has(key)) {
        observations.push({ ...blank, key, fact: `audit ${audit.id}`, state: 'good', since: audit.finishedAt, link: `/domains/${encodeURIComponent(audit.domain)}` });
      }
    }
    for (const change of facts.recordChanges.filter((c) => c.auditId === audit.id)) {
      if (!WATCHED_RECORDS.test(change.kind) || change.change === 'added') continue;
      const label = change.kind.toUpperCase();
      observations.push({
        key: `record ${change.domain} ${change.kind}`,
        fact: `change ${change.id}`,
        state: 'bad',
        title: `DNS ${change.change === 'removed' ? 'REMOVED' : 'CHANGED'}: ${label} record of ${change.domain}`,
        summary: `The ${label} record at ${change.name} ${change.change === 'removed' ? 'disappeared' : 'changed'}.`,
        since: change.observedAt,
        evidence: [
          { label: 'name', value: change.name },
          { label: 'before', value: change.before.join(' | ') || '(none)' },
          { label: 'after', value: change.after.join(' | ') || '(none)' },
        ],
        actions: ['If nobody meant to change it, restore the previous record at your DNS host; then run `inboxwatch audit ' + change.domain + '` to confirm.'],
        link: `/domains/${encodeURIComponent(change.domain)}`,
        event: true,
      });
    }
  }
  return observations;
}

function checkRegressions(audit: AuditFact): Observation[] {
  const observations: Observation[] = [];
  // The last status each check had that was not an error, newest audit first.
  const before = new Map<string, CheckFact>();
  for (const earlier of audit.earlier) {
    for (const c of earlier.checks) {
      const key = checkKey(audit.domain, c);
      if (c.status !== 'error' && !before.has(key)) before.set(key, c);
    }
  }
  for (const check of audit.checks) {
    const key = checkKey(audit.domain, check);
    const fact = `audit ${audit.id}`;
    // An error means the check could not be made: no news either way. Reports that stopped arriving are
    // reports_stopped's to announce, with its own evidence, not a DNS regression.
    if (check.status === 'error' || check.status === 'info' || NOT_DNS_CHECKS.has(check.checkId)) continue;
    if (check.status === 'pass') {
      observations.push({ ...blank, key, fact, state: 'good', since: audit.finishedAt, link: `/domains/${encodeURIComponent(audit.domain)}` });
      continue;
    }
    const previous = before.get(key);
    if (!BAD_CHECK.has(check.status) || previous?.status !== 'pass') continue;
    observations.push({
      key,
      fact,
      state: 'bad',
      title: `DNS REGRESSION: ${audit.domain} ${check.checkId} ${check.status.toUpperCase()}`,
      summary: `${check.checkId}${check.subject ? ` (${check.subject})` : ''} went from pass to ${check.status}: ${check.message}`,
      since: audit.finishedAt,
      evidence: [
        { label: 'before', value: `pass: ${previous.message}` },
        { label: 'after', value: `${check.status}: ${check.message}` },
      ],
      actions: check.remediation ? [check.remediation] : [`Run \`inboxwatch audit ${audit.domain}\` for the details.`],
      link: `/domains/${encodeURIComponent(audit.domain)}`,
    });
  }
  return observations;
}

function observeProbes(rule: RuleOf<'probe_failing'>, facts: Facts): Observation[] {
  const observations: Observation[] = [];
  const ours = ['This is inboxwatch failing to check, not a reputation problem: the last known states are kept meanwhile.'];
  for (const run of facts.latestRuns) {
    if (rule.job !== undefined && run.job !== rule.job) continue;
    observations.push({
      key: `job ${run.job}`,
      fact: `run ${run.id}`,
      state: run.status === 'error' ? 'bad' : 'good',
      title: `PROBE FAILING: job ${run.job} errored ${run.failures} runs in a row`,
      summary: `The ${run.job} job failed: ${run.error ?? 'no error recorded'}.`,
      since: run.failingSince ?? run.finishedAt,
      evidence: [
        { label: 'last error', value: run.error ?? '' },
        { label: 'failed runs in a row', value: String(run.failures) },
      ],
      actions: [...ours, `See \`inboxwatch jobs\` and the run log; run \`inboxwatch run ${run.job}\` to retry by hand.`],
      link: '/settings',
    });
  }
  if (rule.job !== undefined && rule.job !== 'blocklists' && rule.job !== 'placement') return observations;
  if ((rule.job === undefined || rule.job === 'blocklists') && facts.blocklistHealth.length > 0) {
    const unhealthy = facts.blocklistHealth.filter((h) => !h.healthy);
    observations.push({
      key: 'blocklists',
      fact: `sweep ${Math.max(...facts.blocklistHealth.map((h) => h.checkedAt))}`,
      state: unhealthy.length > 0 ? 'bad' : 'good',
      title: `PROBE FAILING: ${unhealthy.length} blocklist${unhealthy.length === 1 ? '' : 's'} could not be checked`,
      summary: `Blocklist queries failed or the lists refused our resolver for ${unhealthy.map((h) => h.list).join(', ')}.`,
      since: Math.min(...unhealthy.map((h) => h.since), Date.UTC(9999, 0)),
      evidence: unhealthy.map((h) => ({ label: h.list, value: h.cause ?? 'unhealthy' })),
      actions: [...ours, 'Check dns.servers: blocklists such as Spamhaus refuse public resolvers; use your own recursive resolver or a DQS key.'],
      link: '/blocklists',
    });
  }
  if (rule.job !== undefined && rule.job !== 'placement') return observations;
  for (const seed of facts.seeds) {
    observations.push({
      key: `seed ${seed.seed}`,
      fact: `seed ${seed.updatedAt}`,
      state: seed.consecutiveFailures > 0 ? 'bad' : 'good',
      title: `PROBE FAILING: cannot read seed mailbox ${seed.seed}`,
      summary: `Logging in to ${seed.seed} failed ${seed.consecutiveFailures} times in a row: ${seed.lastError ?? ''}`,
      since: seed.lastFailureAt ?? seed.updatedAt,
      evidence: [{ label: 'last error', value: seed.lastError ?? '' }],
      actions: [...ours, 'Check the seed’s IMAP password or OAuth2 grant in the configuration.'],
      link: '/providers',
    });
  }
  for (const send of facts.sends) {
    observations.push({
      key: `send ${send.provider}`,
      fact: `test ${send.testId}`,
      state: send.sent === 0 && send.failed > 0 ? 'bad' : 'good',
      title: `PROBE FAILING: cannot send through ${send.provider}`,
      summary: `Every seed message of test #${send.testId} failed to send through ${send.provider}: ${send.lastError ?? ''}`,
      since: send.startedAt,
      evidence: [{ label: 'last error', value: send.lastError ?? '' }],
      actions: [...ours, `Check providers[${send.provider}].smtp: host, port, credentials and TLS settings.`],
      link: '/providers',
    });
  }
  return observations;
}
