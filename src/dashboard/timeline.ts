import { recordDiff, type ChangeKind } from '../audit/changes.js';
import type { CheckStatus } from '../audit/types.js';
import type { Sql } from '../store/sql.js';

const RANK: Record<CheckStatus, number> = { pass: 0, info: 0, warn: 1, error: 2, fail: 3 };

export interface AuditStatusChange {
  domain: string;
  at: number;
  from: CheckStatus | null;
  to: CheckStatus;
  /** Worse than before (a first audit that finds problems counts too). */
  regression: boolean;
  auditId: number;
}

/** Changes of audit status in [from, to), oldest first; with a domain, that domain's only. */
export async function auditStatusChanges(db: Sql, options: { from: number; to: number; domain?: string; limit: number }): Promise<AuditStatusChange[]> {
  const rows = await db.all<{ domain: string; at: number; from_worst: CheckStatus | null; to_worst: CheckStatus; audit_id: number }>(
    `SELECT domain, at, from_worst, to_worst, audit_id FROM audit_status_changes
      WHERE ${options.domain === undefined ? '' : 'domain = ? AND '}at >= ? AND at < ? ORDER BY at DESC, id DESC LIMIT ?`,
    [...(options.domain === undefined ? [] : [options.domain]), options.from, options.to, options.limit],
  );
  return rows.reverse().map((r) => ({
    domain: r.domain,
    at: r.at,
    from: r.from_worst,
    to: r.to_worst,
    regression: RANK[r.to_worst] > (r.from_worst === null ? 0 : RANK[r.from_worst]),
    auditId: r.audit_id,
  }));
}

export interface ListingEvent {
  at: number;
  target: string;
  zone: string;
  event: 'listed' | 'delisted';
  meaning: string | null;
  reason: string | null;
}

/** Listings and delistings in [from, to), oldest first. */
export async function listingEvents(db: Sql, options: { from: number; to: number; limit: number }): Promise<ListingEvent[]> {
  const rows = await db.all<ListingEvent>(
    `SELECT at, target, zone, event, meaning, reason FROM blocklist_events
      WHERE at >= ? AND at < ? AND event IN ('listed', 'delisted') ORDER BY at DESC, id DESC LIMIT ?`,
    [options.from, options.to, options.limit],
  );
  return rows.reverse();
}

export interface RecordChangeEvent {
  observedAt: number;
  domain: string;
  kind: string;
  change: ChangeKind;
  /** Records present after the change and not before, and the reverse: what the timeline shows of it. */
  added: string[];
  removed: string[];
}

/**
 * DNS record changes in [from, to), oldest first, as the timeline shows them; the domain view lists the full
 * before/after sets. A range over the time index alone, rather than the audit store's optional filters.
 */
export async function recordChangeEvents(db: Sql, options: { from: number; to: number; limit: number }): Promise<RecordChangeEvent[]> {
  const rows = await db.all<{ observed_at: number; domain: string; kind: string; change: ChangeKind; before: string; after: string }>(
    'SELECT observed_at, domain, kind, change, before, after FROM dns_changes WHERE observed_at >= ? AND observed_at < ? ORDER BY observed_at DESC, id DESC LIMIT ?',
    [options.from, options.to, options.limit],
  );
  return rows.reverse().map((r) => ({
    observedAt: r.observed_at,
    domain: r.domain,
    kind: r.kind,
    change: r.change,
    ...recordDiff(JSON.parse(r.before) as string[], JSON.parse(r.after) as string[]),
  }));
}

export interface EventTotals {
  changes: number;
  audits: number;
  listings: number;
}

/** How many events of each kind fall in [from, to): what a list cut at its newest events leaves out. */
export async function eventTotals(db: Sql, options: { from: number; to: number }): Promise<EventTotals> {
  const { from, to } = options;
  const row = await db.first<EventTotals>(
    `SELECT (SELECT COUNT(*) FROM dns_changes WHERE observed_at >= ? AND observed_at < ?) AS changes,
            (SELECT COUNT(*) FROM audit_status_changes WHERE at >= ? AND at < ?) AS audits,
            (SELECT COUNT(*) FROM blocklist_events WHERE at >= ? AND at < ? AND event IN ('listed', 'delisted')) AS listings`,
    [from, to, from, to, from, to],
  );
  return row ?? { changes: 0, audits: 0, listings: 0 };
}
