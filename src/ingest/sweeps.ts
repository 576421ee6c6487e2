import { currentHealth, currentStatuses, sweepOfRun, sweepStatements } from '../blocklists/store.js';
import { healthTransition, statusKey, suspectListings, transition, type BlocklistEvent, type CurrentHealth, type CurrentStatus } from '../blocklists/history.js';
import type { CheckResult } from '../blocklists/types.js';
import type { Sql, Statement } from '../store/sql.js';
import type { BlocklistSweep, BlocklistsRun } from './batch.js';
import { idOf } from './ids.js';

/** What a run's sweep saw, read back from the local store; a held listing travels as the listing it is. */
export async function exportSweep(db: Sql, runId: number): Promise<BlocklistSweep | null> {
  const sweep = await sweepOfRun(db, runId);
  if (!sweep) return null;
  return {
    at: sweep.at,
    complete: sweep.complete,
    results: sweep.statuses.map((s) => ({
      target: s.target,
      zone: s.zone,
      list: s.list,
      status: s.status === 'suspect' ? 'listed' : s.status,
      severity: s.severity,
      allowlisted: s.allowlisted,
      codes: s.codes,
      meaning: s.meaning,
      reason: s.reason,
      delistUrl: s.delistUrl,
      error: s.error,
    })),
    health: sweep.health.map((h) => ({ zone: h.zone, list: h.list, healthy: h.healthy, cause: h.cause })),
  };
}

/**
 * The statements that apply agents' sweeps to the server's matrix, oldest first, exactly as a sweep taken
 * on the server would be applied: transitions, suspect holds and since-times come from the server's own
 * current state. A result no newer than what the server already has for its (target, list) is history the
 * server has moved past: it changes nothing, so a late or replayed sweep never makes a false transition.
 */
export async function sweepImport(db: Sql, batch: string, runs: readonly BlocklistsRun[]): Promise<{ statements: Statement[]; facts: number }> {
  const sweeps = runs.flatMap((r) => (r.sweep ? [{ runId: r.run.id, sweep: r.sweep }] : [])).sort((a, b) => a.sweep.at - b.sweep.at);
  if (sweeps.length === 0) return { statements: [], facts: 0 };
  const previous = await currentStatuses(db);
  const previousHealth = await currentHealth(db);
  const statements: Statement[] = [];
  let facts = 0;
  for (const { runId, sweep } of sweeps) {
    const at = sweep.at;
    const fresh: CheckResult[] = sweep.results.filter((r) => (previous.get(statusKey(r.target, r.zone))?.checkedAt ?? -1) < at);
    const held = suspectListings(fresh, previous);
    const statuses: CurrentStatus[] = [];
    const health: CurrentHealth[] = [];
    const events: BlocklistEvent[] = [];
    for (const result of fresh) {
      const key = statusKey(result.target, result.zone);
      const step = transition(previous.get(key), result, held.has(key), at);
      statuses.push(step.current);
      events.push(...step.events);
      previous.set(key, step.current);
    }
    for (const list of sweep.health) {
      const before = previousHealth.get(list.zone);
      if ((before?.checkedAt ?? -1) >= at) continue;
      const step = healthTransition(before, list, at);
      health.push(step.current);
      events.push(...step.events);
      previousHealth.set(list.zone, step.current);
    }
    facts += sweep.results.length + sweep.health.length;
    statements.push(...sweepStatements({ at, statuses, health, events, complete: sweep.complete }, idOf(batch, 'run', runId)));
  }
  return { statements, facts };
}
