import type { Sql } from '../store/sql.js';
import { lastReportArrivals, newFailingSources, passRateByDay, reportedDomains } from './store.js';

const DAY = 86_400_000;

export interface DmarcDomainFacts {
  domain: string;
  /** When the last aggregate report for the domain arrived (received, not the span it covers). */
  lastReportAt: number;
  /** Messages and DMARC passes on the last complete report day, and over the days before it. */
  recent: { day: number; messages: number; passed: number } | null;
  baseline: { days: number; messages: number; passed: number };
  /** Sources first seen on or after the recent day whose mail fails DMARC. */
  newFailingSources: Array<{ ip: string; firstDay: number; failed: number }>;
}

/**
 * What alert rules need to know about each reported domain, in one read: whether reports still arrive,
 * the latest day's pass rate beside its baseline, and new sources failing DMARC. Rules decide; this only
 * gathers. Report days lag (receivers send a day's report the next day), so "recent" is the newest day
 * any report covered, not today.
 */
export async function dmarcFacts(db: Sql, options: { now: number; baselineDays?: number }): Promise<DmarcDomainFacts[]> {
  const baselineDays = options.baselineDays ?? 7;
  const arrivals = await lastReportArrivals(db);
  const facts: DmarcDomainFacts[] = [];
  for (const domain of await reportedDomains(db)) {
    const days = await passRateByDay(db, { domain, from: options.now - (baselineDays + 3) * DAY, to: options.now + DAY });
    const recent = days[days.length - 1] ?? null;
    const before = recent ? days.filter((d) => d.day < recent.day && d.day >= recent.day - baselineDays * DAY) : [];
    facts.push({
      domain,
      lastReportAt: arrivals.get(domain) ?? 0,
      recent,
      baseline: { days: before.length, messages: before.reduce((s, d) => s + d.messages, 0), passed: before.reduce((s, d) => s + d.passed, 0) },
      newFailingSources: recent ? await newFailingSources(db, { domain, since: recent.day }) : [],
    });
  }
  return facts;
}
