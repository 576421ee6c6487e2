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
