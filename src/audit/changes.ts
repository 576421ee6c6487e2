import type { RecordSets } from './types.js';

export type ChangeKind = 'added' | 'removed' | 'changed';

/** A record set that differs from the last time it was seen: what the alerts and the change log show. */
export interface RecordChange {
  kind: string;
  name: string;
  change: ChangeKind;
  before: string[];
  after: string[];
  /** Records present now and not before, and the reverse. */
  added: string[];
  removed: string[];
}

export interface KnownSet {
  name: string;
  records: string[];
}

/** Records in `after` and not in `before`, and the reverse. */
export function recordDiff(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  return { added: after.filter((r) => !before.includes(r)), removed: before.filter((r) => !after.includes(r)) };
}

/**
 * Compares what an audit saw with the last known record sets. Sets whose lookup failed (records null) are
 * unknown and never produce a change; a kind seen for the first time is a baseline, not an addition.
 */
export function diffRecordSets(previous: ReadonlyMap<string, KnownSet>, current: RecordSets): RecordChange[] {
  const changes: RecordChange[] = [];
  for (const [kind, set] of Object.entries(current)) {
    if (set.records === null) continue;
    const before = previous.get(kind);
    if (!before) continue;
    const after = [...set.records].sort();
    const { added, removed } = recordDiff(before.records, after);
    if (added.length === 0 && removed.length === 0) continue;
    const change: ChangeKind = before.records.length === 0 ? 'added' : after.length === 0 ? 'removed' : 'changed';
    changes.push({ kind, name: set.name, change, before: before.records, after, added, removed });
  }
  return changes;
}
