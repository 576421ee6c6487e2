import type { EventKind, StoredStatus } from '../blocklists/history.js';
import type { Sql } from '../store/sql.js';

export interface HistoryEvent {
  id: number;
  at: number;
  target: string;
  zone: string;
  event: EventKind;
  fromStatus: StoredStatus | null;
  toStatus: StoredStatus;
  codes: string[];
  meaning: string | null;
  reason: string | null;
  error: string | null;
}

/** Transitions of one target (optionally on one list) in [from, to), newest first. */
export async function targetHistory(db: Sql, options: { target: string; zone?: string; from: number; to: number; limit: number }): Promise<HistoryEvent[]> {
  const rows = await db.all<{
    id: number;
    at: number;
    target: string;
    zone: string;
    event: EventKind;
    from_status: StoredStatus | null;
    to_status: StoredStatus;
    codes: string;
    meaning: string | null;
    reason: string | null;
    error: string | null;
  }>(
    `SELECT id, at, target, zone, event, from_status, to_status, codes, meaning, reason, error FROM blocklist_events
      WHERE target = ? ${options.zone === undefined ? '' : 'AND zone = ?'} AND at >= ? AND at < ? ORDER BY at DESC, id DESC LIMIT ?`,
    [options.target, ...(options.zone === undefined ? [] : [options.zone]), options.from, options.to, options.limit],
  );
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    target: r.target,
    zone: r.zone,
    event: r.event,
    fromStatus: r.from_status,
    toStatus: r.to_status,
    codes: r.codes === '' ? [] : r.codes.split(','),
    meaning: r.meaning,
    reason: r.reason,
    error: r.error,
  }));
}

export interface ListingNow {
  target: string;
  zone: string;
  list: string;
  since: number;
  severity: string | null;
  reason: string | null;
  delistUrl: string | null;
}

/** The listings in force and how much is watched, without reading the whole matrix. */
export async function listingsNow(db: Sql): Promise<{ listings: ListingNow[]; targets: number; checked: number; errors: number }> {
  const [listings, totals] = await Promise.all([
    db.all<{ target: string; zone: string; list: string; since: number; severity: string | null; reason: string | null; delist_url: string | null }>(
      "SELECT target, zone, list, since, severity, reason, delist_url FROM blocklist_status WHERE status = 'listed' ORDER BY since DESC",
    ),
    db.first<{ targets: number; checked: number; errors: number | null }>(
      "SELECT COUNT(DISTINCT target) AS targets, COUNT(*) AS checked, SUM(status = 'error') AS errors FROM blocklist_status",
    ),
  ]);
  return {
    listings: listings.map((l) => ({ target: l.target, zone: l.zone, list: l.list, since: l.since, severity: l.severity, reason: l.reason, delistUrl: l.delist_url })),
    targets: totals?.targets ?? 0,
    checked: totals?.checked ?? 0,
    errors: totals?.errors ?? 0,
  };
}
