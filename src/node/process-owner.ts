import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../log.js';
import { beat, getOwner, ownerGone, pruneOwners, registerOwner, retireOwner, type ProcessOwner } from '../store/owners.js';
import type { Sql } from '../store/sql.js';

/** How often a process says it is alive, and how long silence means it is gone (a host we cannot check). */
export const HEARTBEAT_MS = 10_000;
export const STALE_AFTER_MS = 60_000;

export interface RegisteredOwner extends ProcessOwner {
  /** Stops the heartbeat and removes the owner row: a clean exit. */
  retire(): Promise<void>;
}

/** signal 0 checks existence; EPERM means it exists under another user. */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Registers this process (pid, host, start time) as an owner in the database and keeps its heartbeat. */
export async function registerProcessOwner(db: Sql, command: string, log: Logger): Promise<RegisteredOwner> {
  const host = hostname();
  const startedAt = Date.now();
  const id = `${host}:${process.pid}:${startedAt}:${randomUUID().slice(0, 8)}`;
  await pruneOwners(db, startedAt - STALE_AFTER_MS);
  await registerOwner(db, { id, pid: process.pid, host, command, startedAt, heartbeatAt: startedAt });
  const timer = setInterval(() => {
    beat(db, id, Date.now()).catch((error: Error) => log.warn('could not record the process heartbeat', { error: error.message }));
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    id,
    async isGone(ownerId) {
      if (ownerId === id) return false;
      const owner = ownerId === null ? undefined : await getOwner(db, ownerId);
      return ownerGone(owner, { host, now: Date.now(), isAlive: pidAlive, staleAfterMs: STALE_AFTER_MS });
    },
    async retire() {
      clearInterval(timer);
      await retireOwner(db, id);
    },
  };
}
