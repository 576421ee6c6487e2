import { hostname } from 'node:os';
import type { Command } from 'commander';
import { createAlertEngine } from '../alerts/engine.js';
import { testChannel, type ChannelTestOutcome } from '../alerts/channel-test.js';
import { listIncidents } from '../alerts/store.js';
import { silentLogger } from '../log.js';
import { nodeNotifiers } from '../node/alerts/notifiers.js';
import { resolverForRun } from '../node/run-resolver.js';
import { openStore } from '../node/sqlite-store.js';
import { configFor } from './context.js';
import { EXIT, UsageError } from './exit.js';
import { serverUrl, tokenOption } from './server-option.js';

export interface AlertsListOptions {
  open?: boolean;
  json?: boolean;
}

export interface AlertsTestOptions {
  server?: string;
  token?: string;
}

/**
 * `inboxwatch alerts test CHANNEL [--server URL]`: one test notification through one channel, now — sent from
 * this machine, or with `--server` by that server (a Workers deployment, whose channels and secrets are there).
 */
export async function alertsTestCommand(name: string, options: AlertsTestOptions, command: Command): Promise<void> {
  const outcome = options.server === undefined ? await testHere(name, command) : await testOnServer(name, options.server, options.token);
  if (outcome.status === 'unknown') {
    throw new UsageError(`unknown channel "${name}"; ${outcome.channels.length > 0 ? `channels are ${outcome.channels.join(', ')}` : 'alerts.channels is empty'}`);
  }
  process.stdout.write(outcome.status === 'delivered' ? `${name}: test notification delivered\n` : `${name}: not delivered: ${outcome.error}\n`);
  process.exitCode = outcome.status === 'delivered' ? EXIT.ok : EXIT.failure;
}

async function testHere(name: string, command: Command): Promise<ChannelTestOutcome> {
  const { config } = configFor(command);
  const channels = config.alerts.channels.map((c) => c.name);
  if (!channels.includes(name)) return { status: 'unknown', channels };
  const db = await openStore(config.database);
  try {
    // The command reports the outcome itself, so the engine's own warning stays quiet.
    const engine = createAlertEngine({ config, db, log: silentLogger, notifiers: nodeNotifiers(config, resolverForRun(config.dns)), holder: `${hostname()}:${process.pid}:cli` });
    return await testChannel(engine, db, channels, name, Date.now());
  } finally {
    await db.close();
  }
}

async function testOnServer(name: string, server: string, tokenGiven: string | undefined): Promise<ChannelTestOutcome> {
  const token = tokenOption(tokenGiven, 'admin');
  const base = serverUrl(server);
  const response = await fetch(new URL('/api/alerts/test', base), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: name }),
  });
  const answer = (await response.json().catch(() => ({}))) as { delivered?: boolean; error?: string };
  if (response.status === 200 && answer.delivered === true) return { status: 'delivered' };
  if (response.status === 502 && typeof answer.error === 'string') return { status: 'failed', error: answer.error };
  // The server names its channels in the refusal, as this command does for a local configuration.
  if (response.status === 404 && answer.error?.startsWith('channel: ')) throw new UsageError(answer.error.slice('channel: '.length));
  throw new Error(`${base.origin} did not send the test (HTTP ${response.status}): ${answer.error ?? 'no reason given'}`);
}

/** `inboxwatch alerts list`: incidents, newest first. */
export async function alertsListCommand(options: AlertsListOptions, command: Command): Promise<void> {
  const { config } = configFor(command);
  const db = await openStore(config.database);
  try {
    const incidents = await listIncidents(db, { state: options.open ? 'firing' : undefined, limit: 100 });
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ incidents }, null, 2)}\n`);
      return;
    }
    if (incidents.length === 0) process.stdout.write('no incidents\n');
    for (const i of incidents) {
      const flags = [i.ackedAt ? `acked by ${i.ackedBy}` : '', i.silencedUntil && i.silencedUntil > Date.now() ? `silenced until ${new Date(i.silencedUntil).toISOString()}` : '']
        .filter(Boolean)
        .join(', ');
      process.stdout.write(`#${i.id} ${i.state.padEnd(8)} ${i.severity.padEnd(8)} ${i.title}${flags ? ` (${flags})` : ''}\n`);
    }
  } finally {
    await db.close();
  }
}
