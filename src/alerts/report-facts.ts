import { ruaAddresses } from '../audit/report-arrivals.js';
import { isDmarcRecord } from '../audit/dmarc-parse.js';
import { latestSnapshots } from '../audit/store.js';
import type { AlertRule } from '../config/schema.js';
import { reportArrivals, reportDays, windowSources } from '../reports/dmarc-facts.js';
import type { Sql } from '../store/sql.js';
import { sourceWindowKey, type ArrivalFact, type DmarcFacts } from './rule-facts.js';

/** What the configured report rules need read: nothing at all when there are none. */
export interface DmarcNeeds {
  /** Report days for pass rates: twice the widest window (it and the one before); 0 for none. */
  daySpan: number;
  sourceWindows: Array<{ window: number; lookback: number }>;
  arrivals: boolean;
  reportAddress: string | undefined;
}

export function dmarcNeeds(rules: readonly AlertRule[], reportAddress: string | undefined): DmarcNeeds {
  const windows = new Map<string, { window: number; lookback: number }>();
  let daySpan = 0;
  let arrivals = false;
  for (const rule of rules) {
    if (rule.type === 'dmarc_pass_rate_below') daySpan = Math.max(daySpan, 2 * rule.window);
    if (rule.type === 'dmarc_new_source') windows.set(sourceWindowKey(rule.window, rule.lookback), { window: rule.window, lookback: rule.lookback });
    if (rule.type === 'reports_stopped') arrivals = true;
  }
  return { daySpan, sourceWindows: [...windows.values()], arrivals, reportAddress };
}

export async function loadDmarcFacts(db: Sql, needs: DmarcNeeds, now: number): Promise<DmarcFacts> {
  const sources = new Map<string, Awaited<ReturnType<typeof windowSources>>>();
  for (const spec of needs.sourceWindows) sources.set(sourceWindowKey(spec.window, spec.lookback), await windowSources(db, spec));
  return {
    now,
    days: needs.daySpan > 0 ? await reportDays(db, needs.daySpan) : [],
    sources,
    arrivals: needs.arrivals ? await Promise.all((await reportArrivals(db)).map(async (a): Promise<ArrivalFact> => ({ ...a, rua: await auditedRua(db, a.domain) }))) : [],
    reportAddress: needs.reportAddress,
  };
}

/**
 * Where the DMARC record that applies to the domain sends aggregate reports, as the audit last saw it: its
 * own record, else the one it inherits. Null when no audit determined the domain's DMARC record.
 */
async function auditedRua(db: Sql, domain: string): Promise<string[] | null> {
  const snapshots = await latestSnapshots(db, domain);
  const own = snapshots.get('dmarc');
  if (!own) return null;
  const text = own.records.find(isDmarcRecord) ?? snapshots.get('dmarc.applied')?.records.find(isDmarcRecord);
  return text === undefined ? [] : ruaAddresses(text);
}
