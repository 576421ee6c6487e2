import type { AlertRule } from '../config/schema.js';
import { DAY, type ReportDay, type WindowSource } from '../reports/dmarc-facts.js';
import { sourceWindowKey, type DmarcFacts } from './rule-facts.js';
import type { Evidence, Observation } from './types.js';

type RuleOf<T extends AlertRule['type']> = Extract<AlertRule, { type: T }>;

const HOUR = 3_600_000;
const blank = { evidence: [], actions: [], summary: '', title: '' };
const dayText = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const timeText = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const percent = (share: number): string => `${Number((share * 100).toFixed(1))}%`;
const points = (share: number): string => `${Number((share * 100).toFixed(1))} points`;
const span = (ms: number): string => (ms >= 3 * DAY ? `${Math.floor(ms / DAY)} days` : `${Math.floor(ms / HOUR)} hours`);
const domainLink = (domain: string): string => `/domains/${encodeURIComponent(domain)}`;
const inScope = (rule: { domain?: string | undefined }, domain: string): boolean => rule.domain === undefined || rule.domain.toLowerCase().replace(/\.$/, '') === domain;

/** How late a day's reports may arrive: receivers send them the next day, some a day or two after. */
const REPORT_LAG = 3 * DAY;

/**
 * Whether a domain's newest report day is too old for its window to say anything about now: an archive of
 * last year's reports imported today pages nobody (and whether reports stopped is reports_stopped's question).
 */
const stale = (newestDay: number, window: number, now: number): boolean => newestDay + DAY < now - window - REPORT_LAG;

/** What reverse DNS says of a source, in words; "not looked up" and "lookup failed" are never read as "no PTR". */
function reverseDns(source: WindowSource): Evidence[] {
  const info = source.info;
  if (!info) return [{ label: 'reverse DNS', value: 'not looked up yet' }];
  if (info.status === 'error') return [{ label: 'reverse DNS', value: `lookup failed (${info.error ?? 'unknown error'}); tried again on the next reports run` }];
  if (info.ptr === null) return [{ label: 'reverse DNS', value: 'no PTR record' }];
  const lines = [
    { label: 'reverse DNS', value: info.ptr },
    { label: 'FCrDNS', value: info.fcrdns ? 'confirmed: the PTR name resolves back to this IP' : 'not confirmed: the PTR name does not resolve back to this IP' },
  ];
  if (info.label) lines.push({ label: 'known sender', value: `${info.label} (${info.baseDomain ?? info.ptr})` });
  else if (info.baseDomain) lines.push({ label: 'network', value: info.baseDomain });
  return lines;
}

function sourceName(source: WindowSource): string {
  const info = source.info;
  if (info?.label) return `${source.ip} (${info.label})`;
  if (info?.ptr) return `${source.ip} (${info.ptr})`;
  return source.ip;
}

/**
 * `dmarc_new_source`: a source IP that did not send as the domain in the `lookback` before the window (nor
 * on the domain's first reported day) and whose mail in the window failed DMARC at least `minMessages` times. Good once its newest day's mail passes
 * (it was authorised) or it is gone from the window; a source that keeps failing after it stopped being new
 * keeps its incident open.
 */
export function observeNewSources(rule: RuleOf<'dmarc_new_source'>, facts: DmarcFacts, openKeys: ReadonlySet<string>): Observation[] {
  const observations: Observation[] = [];
  for (const domain of facts.sources.get(sourceWindowKey(rule.window, rule.lookback)) ?? []) {
    if (!inScope(rule, domain.domain) || stale(domain.newestDay, rule.window, facts.now)) continue;
    const link = domainLink(domain.domain);
    const present = new Set<string>();
    for (const source of domain.sources) {
      const key = `${domain.domain} ${source.ip}`;
      present.add(key);
      const fact = `${source.lastDay} ${source.messages} ${source.failed}`;
      if (source.lastDayFailed === 0) {
        observations.push({ ...blank, key, fact, state: 'good', since: source.lastDay, link });
        continue;
      }
      // Sources on the domain's first reported day are its baseline, not news: a first import pages nobody.
      if (source.seenBefore !== null || source.firstDay <= domain.oldestDay) continue;
      // Forwarded and list mail fails DMARC without being spoofing: it does not count towards minMessages.
      if (source.failed - source.forwarded < rule.minMessages) continue;
      const who = sourceName(source);
      observations.push({
        key,
        fact,
        state: 'bad',
        title: `NEW UNAUTHENTICATED SOURCE: ${who} sending as ${domain.domain}`,
        summary: `${who} began sending as ${domain.domain} on ${dayText(source.firstDay)}, unseen in the ${span(rule.lookback)} before; ${source.failed} of its ${source.messages} messages failed DMARC (neither aligned SPF nor aligned DKIM passed).`,
        since: source.firstDay,
        evidence: [
          { label: 'source IP', value: source.ip },
          ...reverseDns(source),
          { label: 'messages', value: `${source.messages} from ${dayText(source.firstDay)} to ${dayText(source.lastDay)}; ${source.failed} failed DMARC` },
          { label: 'SPF / DKIM', value: `SPF failed or not aligned on ${source.spfFailed} messages, DKIM on ${source.dkimFailed}` },
          ...(source.forwarded > 0 ? [{ label: 'forwarded', value: `${source.forwarded} of the failures were let through by receivers as forwarded or mailing-list mail` }] : []),
          { label: 'first seen', value: `${dayText(source.firstDay)} (nothing from it as ${domain.domain} in the ${span(rule.lookback)} before)` },
        ],
        actions: [
          `If ${who} sends for you (a new ESP, CRM or server), authorise it: add it to ${domain.domain}'s SPF record (an include: or ip4:/ip6:) and have it DKIM-sign with d=${domain.domain}.`,
          `If you do not know it, it is spoofing ${domain.domain}: once your own senders pass, publish p=quarantine and then p=reject so receivers refuse its mail.`,
        ],
        link,
      });
    }
    // An open incident whose source sent nothing in the window: it stopped.
    for (const key of openKeys) {
      if (key.startsWith(`${domain.domain} `) && !present.has(key)) {
        observations.push({ ...blank, key, fact: `gone ${domain.newestDay}`, state: 'good', since: domain.newestDay, link });
      }
    }
  }
  return observations;
}

const total = (days: readonly ReportDay[]) => ({ messages: days.reduce((s, d) => s + d.messages, 0), passed: days.reduce((s, d) => s + d.passed, 0) });

/**
 * `dmarc_pass_rate_below`: the share of a domain's messages passing DMARC over the last `window` of report
 * days (ending with the newest day reported, since reports lag) is under `threshold`, or fell by `dropBy`
 * points or more against the window before. A window with fewer than `minMessages` says nothing, and the
 * drop is only judged when the window before also has that many.
 */
export function observePassRate(rule: RuleOf<'dmarc_pass_rate_below'>, facts: DmarcFacts): Observation[] {
  const observations: Observation[] = [];
  for (const domain of facts.days) {
    if (!inScope(rule, domain.domain) || stale(domain.newestDay, rule.window, facts.now)) continue;
    const start = domain.newestDay + DAY - rule.window;
    const current = total(domain.days.filter((d) => d.day >= start));
    if (current.messages < rule.minMessages) continue;
    const previous = total(domain.days.filter((d) => d.day < start && d.day >= start - rule.window));
    const rate = current.passed / current.messages;
    const before = previous.messages >= rule.minMessages ? previous.passed / previous.messages : undefined;
    const belowFloor = rule.threshold !== undefined && rate < rule.threshold;
    // A small tolerance so a fall of exactly dropBy counts despite floating point.
    const dropped = rule.dropBy !== undefined && before !== undefined && before - rate >= rule.dropBy - 1e-9;
    const fact = `${domain.newestDay} ${current.messages} ${current.passed}`;
    if (!belowFloor && !dropped) {
      observations.push({ ...blank, key: domain.domain, fact, state: 'good', since: start, link: domainLink(domain.domain) });
      continue;
    }
    const period = rule.window === DAY ? dayText(domain.newestDay) : `${dayText(start)} to ${dayText(domain.newestDay)}`;
    const reasons = [rule.threshold !== undefined && belowFloor ? `below ${percent(rule.threshold)}` : '', before !== undefined && dropped ? `down ${points(before - rate)} from ${percent(before)}` : '']
      .filter(Boolean)
      .join(', ');
    const evidence = [
      { label: 'pass rate', value: `${percent(rate)} (${current.passed} of ${current.messages} messages, ${period})` },
      { label: 'window before', value: before === undefined ? `${previous.messages} messages, too few to compare` : `${percent(before)} (${previous.passed} of ${previous.messages})` },
    ];
    if (rule.threshold !== undefined) evidence.push({ label: 'threshold', value: `below ${percent(rule.threshold)}` });
    if (rule.dropBy !== undefined) evidence.push({ label: 'drop', value: `a fall of ${points(rule.dropBy)} or more` });
    observations.push({
      key: domain.domain,
      fact,
      state: 'bad',
      title: `DMARC PASS RATE ${percent(rate)}: ${domain.domain} (${reasons})`,
      summary: `${percent(rate)} of the mail sent as ${domain.domain} passed DMARC (${period}; ${current.messages - current.passed} of ${current.messages} messages failed): ${reasons}.`,
      since: start,
      evidence,
      actions: [
        `Open ${domain.domain}'s report sources: a sender of yours that stopped DKIM-signing or is missing from SPF shows as a failing source with its PTR; fix its signing or SPF.`,
        'Failing sources you do not recognise are spoofing the domain: p=quarantine or p=reject makes receivers refuse them.',
      ],
      link: domainLink(domain.domain),
    });
  }
  return observations;
}

/**
 * `reports_stopped`: a domain whose applied DMARC record (as the audit last saw it) sends aggregate reports
 * to `reports.address`, that had reports before, and from which none arrived for `after`. A domain never
 * audited, or with no report address configured, says nothing; one whose rua now points elsewhere is good.
 * Each hour of silence is a new fact, so `for` counts hours.
 */
export function observeReportsStopped(rule: RuleOf<'reports_stopped'>, facts: DmarcFacts): Observation[] {
  const address = facts.reportAddress?.toLowerCase();
  if (address === undefined) return [];
  const observations: Observation[] = [];
  for (const arrival of facts.arrivals) {
    if (!inScope(rule, arrival.domain) || arrival.rua === null) continue;
    const link = domainLink(arrival.domain);
    if (!arrival.rua.includes(address)) {
      observations.push({ ...blank, key: arrival.domain, fact: `elsewhere ${arrival.rua.join(',')}`, state: 'good', since: facts.now, link });
      continue;
    }
    const silent = facts.now - arrival.lastReportAt;
    if (silent <= rule.after) {
      observations.push({ ...blank, key: arrival.domain, fact: `arrived ${arrival.lastReportAt}`, state: 'good', since: arrival.lastReportAt, link });
      continue;
    }
    observations.push({
      key: arrival.domain,
      fact: `silent ${arrival.lastReportAt} ${Math.floor(facts.now / HOUR)}`,
      state: 'bad',
      title: `REPORTS STOPPED: no DMARC report for ${arrival.domain} in ${span(silent)}`,
      summary: `${arrival.domain}'s DMARC record sends aggregate reports to ${address}, but none has arrived since ${timeText(arrival.lastReportAt)}.`,
      since: arrival.lastReportAt,
      evidence: [
        { label: 'last report arrived', value: timeText(arrival.lastReportAt) },
        { label: 'silent for', value: `${span(silent)} (alert after ${span(rule.after)})` },
        { label: 'rua', value: arrival.rua.map((a) => `mailto:${a}`).join(', ') },
      ],
      actions: [
        `Check that ${address} still receives mail from outside: its MX, quota and spam filtering.`,
        'Check that inboxwatch reads it: reports.imap in the configuration, `inboxwatch jobs` and the reports job in the run log.',
        `Check that ${arrival.domain}'s DMARC record still has rua=mailto:${address}. A domain that sends no mail gets no reports, which is fine.`,
      ],
      link,
    });
  }
  return observations;
}
