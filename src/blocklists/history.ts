import type { CheckResult, ListHealth, Severity } from './types.js';

/** `suspect`: a listing held back because most targets turned up newly listed on one list at once. */
export type StoredStatus = 'listed' | 'clean' | 'error' | 'suspect';

/** A stored (target, list) cell: the last check's result, plus what history needs to tell changes from noise. */
export interface CurrentStatus extends Omit<CheckResult, 'status'> {
  status: StoredStatus;
  /** The last status that was not an error, so an outage in between is not mistaken for a change. */
  lastKnown: Exclude<StoredStatus, 'error'> | null;
  /** The codes that went with {@link lastKnown}. */
  lastKnownCodes: string[];
  /** When the current status began. */
  since: number;
  checkedAt: number;
}

export type EventKind =
  | 'listed'
  | 'delisted'
  | 'changed'
  | 'error_began'
  | 'error_ended'
  | 'suspect'
  | 'suspect_cleared'
  | 'list_unhealthy'
  | 'list_healthy';

export interface BlocklistEvent {
  at: number;
  /** Empty for list-level events (health). */
  target: string;
  zone: string;
  event: EventKind;
  fromStatus: StoredStatus | null;
  toStatus: StoredStatus;
  severity: Severity | null;
  codes: string[];
  meaning: string | null;
  reason: string | null;
  error: string | null;
}

export interface CurrentHealth {
  zone: string;
  list: string;
  healthy: boolean;
  cause: string | null;
  since: number;
  checkedAt: number;
}

export const statusKey = (target: string, zone: string): string => `${target} ${zone}`;

/** A list must have at least this many targets checked before a mass listing is suspected. */
export const SUSPECT_MIN_TARGETS = 3;
/** Share of a list's checked targets newly listed in one sweep above which those listings are held. */
export const SUSPECT_SHARE = 0.5;

/**
 * Which listings to hold as suspect: on a list where more than half of the checked targets (and at least
 * {@link SUSPECT_MIN_TARGETS}) went from clean or unknown to listed in this one sweep, those new listings
 * are held for a sweep instead of alerting. A listing still there next sweep is confirmed.
 */
export function suspectListings(results: readonly CheckResult[], previous: ReadonlyMap<string, CurrentStatus>): Set<string> {
  const byZone = new Map<string, { checked: number; fresh: string[] }>();
  for (const result of results) {
    if (result.status === 'error') continue;
    const entry = byZone.get(result.zone) ?? { checked: 0, fresh: [] };
    entry.checked++;
    const key = statusKey(result.target, result.zone);
    if (result.status === 'listed' && isFresh(previous.get(key))) entry.fresh.push(key);
    byZone.set(result.zone, entry);
  }
  const held = new Set<string>();
  for (const { checked, fresh } of byZone.values()) {
    if (checked >= SUSPECT_MIN_TARGETS && fresh.length > checked * SUSPECT_SHARE) for (const key of fresh) held.add(key);
  }
  return held;
}

function isFresh(previous: CurrentStatus | undefined): boolean {
  const known = previous?.status === 'error' ? previous.lastKnown : previous?.status;
  return known === undefined || known === null || known === 'clean';
}

/**
 * The new current status for one (target, list) and the events its change produced. Nothing is
 * written for a status that stayed the same: history grows with changes, not with sweeps.
 */
export function transition(
  previous: CurrentStatus | undefined,
  result: CheckResult,
  held: boolean,
  at: number,
): { current: CurrentStatus; events: BlocklistEvent[] } {
  const to: StoredStatus = held ? 'suspect' : result.status;
  const from = previous?.status ?? null;
  const before = from === 'error' ? (previous?.lastKnown ?? null) : from;
  const codesChanged = previous !== undefined && previous.lastKnownCodes.join(',') !== result.codes.join(',');
  const events: BlocklistEvent[] = [];
  const event = (kind: EventKind): void => {
    events.push({
      at,
      target: result.target,
      zone: result.zone,
      event: kind,
      fromStatus: from,
      toStatus: to,
      severity: result.severity,
      codes: result.codes,
      meaning: result.meaning,
      reason: result.reason,
      error: result.error,
    });
  };

  if (to === 'error') {
    if (from !== 'error') event('error_began');
  } else {
    if (from === 'error') event('error_ended');
    if (to === 'listed') {
      if (before !== 'listed') event('listed');
      else if (codesChanged) event('changed');
    } else if (to === 'suspect') {
      if (before !== 'suspect') event('suspect');
    } else if (before === 'listed') {
      event('delisted');
    } else if (before === 'suspect') {
      event('suspect_cleared');
    } else if (before === 'clean' && codesChanged) {
      event('changed');
    }
  }

  const changed = from !== to || ((to === 'listed' || result.allowlisted) && codesChanged);
  return {
    current: {
      target: result.target,
      zone: result.zone,
      list: result.list,
      status: to,
      lastKnown: to === 'error' ? (previous?.lastKnown ?? null) : to,
      lastKnownCodes: to === 'error' ? (previous?.lastKnownCodes ?? []) : result.codes,
      severity: result.severity,
      allowlisted: result.allowlisted,
      codes: result.codes,
      meaning: result.meaning,
      reason: result.reason,
      delistUrl: result.delistUrl,
      error: result.error,
      since: changed || previous === undefined ? at : previous.since,
      checkedAt: at,
    },
    events,
  };
}

export function healthTransition(
  previous: CurrentHealth | undefined,
  health: ListHealth,
  at: number,
): { current: CurrentHealth; events: BlocklistEvent[] } {
  const changed = previous === undefined ? !health.healthy : previous.healthy !== health.healthy;
  const events: BlocklistEvent[] = changed
    ? [
        {
          at,
          target: '',
          zone: health.zone,
          event: health.healthy ? 'list_healthy' : 'list_unhealthy',
          fromStatus: null,
          toStatus: health.healthy ? 'clean' : 'error',
          severity: null,
          codes: [],
          meaning: null,
          reason: null,
          error: health.cause,
        },
      ]
    : [];
  return {
    current: { ...health, since: previous === undefined || previous.healthy !== health.healthy ? at : previous.since, checkedAt: at },
    events,
  };
}
