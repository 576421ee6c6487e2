import type { AlertChannel } from '../config/schema.js';
import type { Sql } from '../store/sql.js';
import type { AlertEngine } from './engine.js';
import { attemptsOf } from './store.js';
import { webhookShown } from './webhook-notifier.js';

/** What the settings view shows of a channel: where it sends, without the webhook's path (often its credential). */
export interface ChannelSummary {
  name: string;
  type: AlertChannel['type'];
  target: string;
}

export function channelSummaries(channels: readonly AlertChannel[]): ChannelSummary[] {
  return channels.map((c) => ({ name: c.name, type: c.type, target: c.type === 'email' ? c.to.join(', ') : webhookShown(c.url) }));
}

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
