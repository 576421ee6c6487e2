import type { Sql } from './sql.js';

/** A process that does work in this database: who it is, and when it last said it was alive. */
export interface OwnerRow {
  id: string;
  pid: number;
  host: string;
  command: string;
  startedAt: number;
  heartbeatAt: number;
}

/** How this process judges another: its own host, the time, whether a pid here is alive. */
export interface Vantage {
  host: string;
  now: number;
  isAlive(pid: number): boolean;
  /** A heartbeat older than this means the owner is gone, wherever it ran. */
  staleAfterMs: number;
}

/**
 * Whether the owner of some work is really gone, so its work may be marked interrupted or resumed:
 * no owner (work from before owners were recorded, or an owner that retired), a heartbeat older than
 * `staleAfterMs`, or on this same host a pid that is no longer alive. A live owner elsewhere whose
 * heartbeat is fresh is never taken over.
 */
export function ownerGone(owner: OwnerRow | undefined, vantage: Vantage): boolean {
  if (!owner) return true;
  if (vantage.now - owner.heartbeatAt > vantage.staleAfterMs) return true;
  return owner.host === vantage.host && !vantage.isAlive(owner.pid);
}

/** This process as an owner: its id, and its judgement of another owner id found on some work. */
export interface ProcessOwner {
  id: string;
  /** Whether the owner with this id (null: none recorded) is gone; never true for this process itself. */
  isGone(ownerId: string | null): Promise<boolean>;
}

/**
 * An owner that registers no row and checks nobody: one Workers invocation, which ends with its request.
 * Work it leaves `running` has no live owner and is orphaned to anyone who looks.
 */
export function invocationOwner(id: string): ProcessOwner {
  return { id, isGone: async (ownerId) => ownerId !== id };
}

interface OwnerRecord {
  id: string;
  pid: number;
  host: string;
  command: string;
  started_at: number;
  heartbeat_at: number;
}

export async function registerOwner(db: Sql, owner: OwnerRow): Promise<void> {
  await db.run('INSERT INTO owners (id, pid, host, command, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)', [
    owner.id,
    owner.pid,
    owner.host,
    owner.command,
    owner.startedAt,
    owner.heartbeatAt,
  ]);
}

export async function beat(db: Sql, id: string, at: number): Promise<void> {
  await db.run('UPDATE owners SET heartbeat_at = ? WHERE id = ?', [at, id]);
}

/** A process that stops cleanly leaves no owner behind: whatever it left running is then plainly orphaned. */
export async function retireOwner(db: Sql, id: string): Promise<void> {
  await db.run('DELETE FROM owners WHERE id = ?', [id]);
}

export async function getOwner(db: Sql, id: string): Promise<OwnerRow | undefined> {
  const row = await db.first<OwnerRecord>('SELECT * FROM owners WHERE id = ?', [id]);
  return row && { id: row.id, pid: row.pid, host: row.host, command: row.command, startedAt: row.started_at, heartbeatAt: row.heartbeat_at };
}

/** Owners that are gone and have no work left, so the table stays as small as the set of live processes. */
export async function pruneOwners(db: Sql, staleBefore: number): Promise<number> {
  const result = await db.run(
    `DELETE FROM owners WHERE heartbeat_at < ?
       AND id NOT IN (SELECT owner FROM runs WHERE status = 'running' AND owner IS NOT NULL)
       AND id NOT IN (SELECT owner FROM tests WHERE status != 'complete' AND owner IS NOT NULL)`,
    [staleBefore],
  );
  return result.changes;
}
