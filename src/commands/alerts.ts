import { hostname } from 'node:os';
import type { Command } from 'commander';
import { createAlertEngine } from '../alerts/engine.js';
import { attemptsOf, listIncidents } from '../alerts/store.js';
import { silentLogger } from '../log.js';
import { nodeNotifiers } from '../node/alerts/notifiers.js';
import { resolverForRun } from '../node/run-resolver.js';
import { openStore } from '../node/sqlite-store.js';
import { configFor } from './context.js';
import { EXIT, UsageError } from './exit.js';

export interface AlertsListOptions {
  open?: boolean;
  json?: boolean;
}

/** `inboxwatch alerts test CHANNEL`: one test notification through one channel, now. */
export async function alertsTestCommand(name: string, command: Command): Promise<void> {
  const { config } = configFor(command);
  if (!config.alerts.channels.some((c) => c.name === name)) {
    const known = config.alerts.channels.map((c) => c.name);
    throw new UsageError(`unknown channel "${name}"; ${known.length > 0 ? `channels are ${known.join(', ')}` : 'alerts.channels is empty'}`);
  }
  const db = await openStore(config.database);
  try {
    // The command reports the outcome itself, so the engine's own warning stays quiet.
    const engine = createAlertEngine({ config, db, log: silentLogger, notifiers: nodeNotifiers(config, resolverForRun(config.dns)), holder: `${hostname()}:${process.pid}:cli` });
    const id = await engine.queue(name, { kind: 'test', createdAt: Date.now(), dashboardUrl: engine.dashboardUrl, channel: name });
    const outcome = await engine.deliver(id);
    const [attempt] = await attemptsOf(db, id);
    if (outcome.delivered === 1) {
      process.stdout.write(`${name}: test notification delivered\n`);
      process.exitCode = EXIT.ok;
    } else {
      process.stdout.write(`${name}: not delivered: ${attempt?.error ?? 'unknown error'}\n`);
      process.exitCode = EXIT.failure;
    }
  } finally {
    await db.close();
  }
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
