import type { Sql } from '../store/sql.js';

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
