import type { ProcessOwner } from './owners.js';
import type { Sql } from './sql.js';

export type RunStatus = 'running' | 'ok' | 'error' | 'interrupted';
export type RunTrigger = 'schedule' | 'manual' | 'api';

export interface Run {
  id: number;
  job: string;
  trigger: RunTrigger;
  startedAt: number;
  finishedAt: number | null;
  status: RunStatus;
  summary: string | null;
  error: string | null;
}

interface RunRow {
  id: number;
  job: string;
  trigger: RunTrigger;
  started_at: number;
  finished_at: number | null;
  status: RunStatus;
  summary: string | null;
  error: string | null;
}

const toRun = (row: RunRow): Run => ({
  id: row.id,
  job: row.job,
  trigger: row.trigger,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  status: row.status,
  summary: row.summary,
  error: row.error,
});

export async function startRun(db: Sql, job: string, trigger: RunTrigger, at: number, owner: string): Promise<number> {
  const result = await db.run("INSERT INTO runs (job, trigger, started_at, status, owner) VALUES (?, ?, ?, 'running', ?)", [job, trigger, at, owner]);
  return result.lastRowId;
}

export async function finishRun(
  db: Sql,
  id: number,
  outcome: { status: Exclude<RunStatus, 'running'>; at: number; summary?: string; error?: string },
): Promise<void> {
  await db.run("UPDATE runs SET status = ?, finished_at = ?, summary = ?, error = ? WHERE id = ? AND status = 'running'", [
    outcome.status,
    outcome.at,
    outcome.summary ?? null,
    outcome.error ?? null,
    id,
  ]);
}

/**
 * Called at start-up: a run still `running` whose owner is gone was interrupted, not finished. A run of a
 * live process (another `inboxwatch run`, a `serve` on another host) is left alone to finish.
 */
export async function interruptOrphanedRuns(db: Sql, owner: ProcessOwner, at: number, reason: string): Promise<number> {
  const running = await db.all<{ id: number; owner: string | null }>("SELECT id, owner FROM runs WHERE status = 'running'");
  let interrupted = 0;
  for (const run of running) {
    if (run.owner === owner.id || !(await owner.isGone(run.owner))) continue;
    const result = await db.run("UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE id = ? AND status = 'running'", [at, reason, run.id]);
    interrupted += result.changes;
  }
  return interrupted;
}

export async function listRuns(db: Sql, options: { job?: string; limit: number; before?: number }): Promise<Run[]> {
  const rows = await db.all<RunRow>(
    'SELECT * FROM runs WHERE (? IS NULL OR job = ?) AND (? IS NULL OR started_at < ?) ORDER BY started_at DESC, id DESC LIMIT ?',
    [options.job ?? null, options.job ?? null, options.before ?? null, options.before ?? null, options.limit],
  );
  return rows.map(toRun);
}

export async function getRun(db: Sql, id: number): Promise<Run | undefined> {
  const row = await db.first<RunRow>('SELECT * FROM runs WHERE id = ?', [id]);
  return row && toRun(row);
}

export async function pruneRuns(db: Sql, olderThan: number): Promise<number> {
  const result = await db.run("DELETE FROM runs WHERE started_at < ? AND status != 'running'", [olderThan]);
  return result.changes;
}
