import type { CurrentStatus, StoredStatus } from '../blocklists/history.js';
import { listStatuses } from '../blocklists/store.js';
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

export interface BlocklistMatrix {
  targets: string[];
  lists: Array<{ zone: string; list: string }>;
  /** One row per target and one column per list, as ordered above: the status, or null where the pair is not checked. */
  cells: Array<Array<StoredStatus | null>>;
  /** Every cell that is not clean (listed, lookup error, held) with its codes, reason and delisting link. */
  notClean: Array<Omit<CurrentStatus, 'lastKnown' | 'lastKnownCodes'>>;
}

/**
 * The targets × lists matrix as statuses only, with details where there is something to say: most cells are
 * clean, so 200 targets on 20 lists are a few kilobytes of grid instead of four thousand full records.
 */
export async function blocklistMatrix(db: Sql): Promise<BlocklistMatrix> {
  // One row per target with its cells joined into a string (zone, list, status apart by control characters
  // no name contains), read from an index holding all four: 200 rows to decode instead of 4,000.
  const [rows, notClean] = await Promise.all([
    db.all<{ target: string; cells: string }>(
      `SELECT target, group_concat(zone || char(31) || list || char(31) || status, char(30)) AS cells FROM blocklist_status GROUP BY target ORDER BY target`,
    ),
    listStatuses(db, ['listed', 'error', 'suspect']),
  ]);
  const lists = new Map<string, string>();
  const targets = rows.map(({ target, cells }) => {
    const statuses = new Map<string, StoredStatus>();
    for (const cell of cells.split('\u001e')) {
      const [zone = '', list = '', status] = cell.split('\u001f');
      lists.set(zone, list);
      statuses.set(zone, status as StoredStatus);
    }
    return { target, statuses };
  });
  const zones = [...lists.keys()].sort();
  return {
    targets: targets.map((t) => t.target),
    lists: zones.map((zone) => ({ zone, list: lists.get(zone) ?? zone })),
    cells: targets.map(({ statuses }) => zones.map((zone) => statuses.get(zone) ?? null)),
    // lastKnown/lastKnownCodes only serve transition bookkeeping.
    notClean: notClean.map(({ lastKnown: _known, lastKnownCodes: _codes, ...status }) => status),
  };
}
