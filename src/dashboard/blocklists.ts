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
    // Each count from an index in its order (targets grouped on the primary key's prefix, errors on the status
    // index): half the time of one pass that sorts every target for COUNT(DISTINCT).
    db.first<{ targets: number; checked: number; errors: number }>(
      `SELECT (SELECT COUNT(*) FROM (SELECT target FROM blocklist_status GROUP BY target)) AS targets, (SELECT COUNT(*) FROM blocklist_status) AS checked,
              (SELECT COUNT(*) FROM blocklist_status WHERE status = 'error') AS errors`,
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
  // One row per target with its cells joined as "zone status zone status …" (a zone is a DNS name, a status
  // one word), read from an index holding every column it needs: 200 short rows instead of 4,000.
  const [lists, rows, notClean] = await Promise.all([
    db.all<{ zone: string; list: string }>('SELECT zone, MIN(list) AS list FROM blocklist_status GROUP BY zone ORDER BY zone'),
    db.all<{ target: string; cells: string }>("SELECT target, group_concat(zone || ' ' || status, ' ') AS cells FROM blocklist_status GROUP BY target ORDER BY target"),
    listStatuses(db, ['listed', 'error', 'suspect']),
  ]);
  const column = new Map(lists.map(({ zone }, i) => [zone, i]));
  return {
    targets: rows.map((r) => r.target),
    lists,
    cells: rows.map(({ cells }) => {
      const row: Array<StoredStatus | null> = lists.map(() => null);
      const parts = cells.split(' ');
      for (let i = 0; i < parts.length; i += 2) {
        const at = column.get(parts[i] ?? '');
        if (at !== undefined) row[at] = parts[i + 1] as StoredStatus;
      }
      return row;
    }),
    // lastKnown/lastKnownCodes only serve transition bookkeeping.
    notClean: notClean.map(({ lastKnown: _known, lastKnownCodes: _codes, ...status }) => status),
  };
}
