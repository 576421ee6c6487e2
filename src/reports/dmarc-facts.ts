import type { Sql } from '../store/sql.js';
import { lastReportArrivals, lastSourceDay, newestReportDay, oldestReportDay, passRateByDay, reportedDomains, sourceDays, sourceInfo, type SourceInfo } from './store.js';

export const DAY = 86_400_000;

/** One UTC day of a domain's reported mail. */
export interface ReportDay {
  day: number;
  messages: number;
  /** Messages that passed DMARC: aligned SPF or aligned DKIM passed, as the receiver judged it. */
  passed: number;
}

/** A domain's reported days, ending with the newest day any report covered (reports lag a day or two). */
export interface DomainDays {
  domain: string;
  newestDay: number;
  /** Oldest first; days with no report are absent. */
  days: ReportDay[];
}

/** One source IP's mail as a domain within a window of report days. */
export interface WindowSource {
  ip: string;
  firstDay: number;
  lastDay: number;
  messages: number;
  /** Messages failing DMARC: neither aligned SPF nor aligned DKIM passed. */
  failed: number;
  /** Of those, the ones the receiver let through as forwarded or mailing-list mail (a policy override). */
  forwarded: number;
  spfFailed: number;
  dkimFailed: number;
  /** Messages and failures on the source's newest day in the window: what it does now. */
  lastDayMessages: number;
  lastDayFailed: number;
  /** For sources with failing mail: the last day it sent as the domain in the lookback before the window, or null when it did not. */
  seenBefore: number | null;
  /** Reverse DNS from enrichment; undefined while it has not been looked up. */
  info: SourceInfo | undefined;
}

/** The sources seen in the window [windowStart, newestDay] for one domain. */
export interface DomainSources {
  domain: string;
  /** The first day reported for the domain: sources seen that day are where its history begins, not news. */
  oldestDay: number;
  newestDay: number;
  windowStart: number;
  sources: WindowSource[];
}

/** A domain's days spanning `span` ms up to its newest report day: a pass-rate rule slices its windows from them. */
export async function reportDays(db: Sql, span: number): Promise<DomainDays[]> {
  const out: DomainDays[] = [];
  for (const domain of await reportedDomains(db)) {
    const newestDay = await newestReportDay(db, domain);
    if (newestDay === undefined) continue;
    out.push({ domain, newestDay, days: await passRateByDay(db, { domain, from: newestDay + DAY - span, to: newestDay + DAY }) });
  }
  return out;
}

/**
 * Per domain, every source in the last `window` of report days, and for those with failing mail whether
 * they sent as the domain in the `lookback` before the window. Indexed: a range over (domain, day) and one
 * seek per failing source over (domain, source_ip, day).
 */
export async function windowSources(db: Sql, options: { window: number; lookback: number }): Promise<DomainSources[]> {
  const out: DomainSources[] = [];
  for (const domain of await reportedDomains(db)) {
    const newestDay = await newestReportDay(db, domain);
    if (newestDay === undefined) continue;
    const windowStart = newestDay + DAY - options.window;
    const byIp = new Map<string, WindowSource>();
    for (const row of await sourceDays(db, { domain, from: windowStart, to: newestDay + DAY })) {
      const source = byIp.get(row.ip);
      if (!source) {
        byIp.set(row.ip, { ip: row.ip, firstDay: row.day, lastDay: row.day, messages: row.messages, failed: row.failed, forwarded: row.forwarded, spfFailed: row.spfFailed,
          dkimFailed: row.dkimFailed, lastDayMessages: row.messages, lastDayFailed: row.failed, seenBefore: null, info: undefined });
        continue;
      }
      // Rows come in day order per source, so the last one read is its newest day.
      Object.assign(source, { lastDay: row.day, messages: source.messages + row.messages, failed: source.failed + row.failed, forwarded: source.forwarded + row.forwarded, spfFailed: source.spfFailed + row.spfFailed,
        dkimFailed: source.dkimFailed + row.dkimFailed, lastDayMessages: row.messages, lastDayFailed: row.failed });
    }
    const sources = [...byIp.values()];
    for (const source of sources) {
      if (source.failed === 0) continue;
      source.seenBefore = (await lastSourceDay(db, { domain, ip: source.ip, from: windowStart - options.lookback, to: windowStart })) ?? null;
      source.info = await sourceInfo(db, source.ip);
    }
    out.push({ domain, oldestDay: (await oldestReportDay(db, domain)) ?? newestDay, newestDay, windowStart, sources });
  }
  return out;
}

/** When the last aggregate report for each reported domain arrived (received, not the span it covers). */
export async function reportArrivals(db: Sql): Promise<Array<{ domain: string; lastReportAt: number }>> {
  return [...(await lastReportArrivals(db))].map(([domain, lastReportAt]) => ({ domain, lastReportAt }));
}
