import type { Sql } from '../store/sql.js';
import type { AlertEngine } from './engine.js';
import { attemptsOf } from './store.js';

export type ChannelTestOutcome = { status: 'delivered' } | { status: 'failed'; error: string } | { status: 'unknown'; channels: string[] };

/**
 * One test notification through one channel, now: queued in the outbox like any notification, so the attempt
 * is recorded with the others, then sent and reported. The CLI and `POST /api/alerts/test` both send this way.
 */
export async function testChannel(engine: AlertEngine, db: Sql, channels: readonly string[], name: string, now: number): Promise<ChannelTestOutcome> {
  if (!channels.includes(name)) return { status: 'unknown', channels: [...channels] };
  const id = await engine.queue(name, { kind: 'test', createdAt: now, dashboardUrl: engine.dashboardUrl, channel: name });
  const outcome = await engine.deliver(id);
  if (outcome.delivered === 1) return { status: 'delivered' };
  const [attempt] = await attemptsOf(db, id);
  return { status: 'failed', error: attempt?.error ?? 'unknown error' };
}
