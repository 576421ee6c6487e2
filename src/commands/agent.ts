import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createHttpTransport } from '../agent/http-transport.js';
import { discardEntries, outboxEntriesOfRun, outboxStatus, rejectedEntries, type OutboxEntry, type OutboxStatus } from '../agent/outbox.js';
import { BATCH_LIMITS, SHIP_BACKOFF, type DrainResult } from '../agent/shipper.js';
import { MAX_TIMER_MS, parseDuration } from '../config/duration.js';
import { openAgent } from '../node/agent/agent.js';
import { exportRun } from '../ingest/export-run.js';
import { openStore } from '../node/sqlite-store.js';
import { configFor, globalOptions, loggerFor } from './context.js';
import { EXIT, UsageError } from './exit.js';
import { serverUrl, tokenOption } from './server-option.js';

export const DEFAULT_BUFFER = 'inboxwatch-agent.db';

export interface AgentOptions {
  /** Required; optional here only because `agent status` shares the command. */
  server?: string;
  token?: string;
  buffer?: string;
  name?: string;
  maxBackoff?: string;
  once?: boolean;
}

export interface AgentStatusOptions {
  buffer?: string;
  json?: boolean;
}

export interface AgentDiscardOptions {
  buffer?: string;
  run?: string;
  rejected?: boolean;
  force?: boolean;
}

/** `--buffer`, else `inboxwatch-agent.db` beside the configuration file, else in the working directory. */
function bufferPath(option: string | undefined, configFile: string | undefined): string {
  if (option) return resolve(option);
  return configFile ? join(dirname(configFile), DEFAULT_BUFFER) : resolve(DEFAULT_BUFFER);
}

export async function agentCommand(options: AgentOptions, command: Command): Promise<void> {
  if (!options.server) throw new UsageError('--server: required, e.g. --server https://inboxwatch.example.workers.dev');
  const token = tokenOption(options.token, 'agent');
  const server = serverUrl(options.server);
  const capMs = options.maxBackoff === undefined ? SHIP_BACKOFF.capMs : parseDuration(options.maxBackoff);
  if (capMs === undefined || capMs < SHIP_BACKOFF.baseMs || capMs > MAX_TIMER_MS) {
    throw new UsageError(`--max-backoff: expected a duration from 1s to 24d such as 30s or 5m, got "${options.maxBackoff}"`);
  }
  const { config, file } = configFor(command);
  const log = loggerFor(command);
  const buffer = bufferPath(options.buffer, file);
  const agent = await openAgent({
    config,
    buffer,
    transport: createHttpTransport({ server, token }),
    exportRun,
    limits: BATCH_LIMITS,
    backoff: { ...SHIP_BACKOFF, capMs },
    log,
    ...(options.name ? { name: options.name } : {}),
  });
  log.info('inboxwatch agent started', { server: server.origin, buffer, once: options.once === true });

  if (options.once) {
    const stop = () => void agent.close(5_000).then(() => process.exit(EXIT.failure));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const runs = await agent.runEnabledJobsOnce();
      for (const { job, outcome } of runs) {
        const { run } = outcome;
        process.stdout.write(`${job.name} #${run.id}: ${run.status}${run.summary ? ` — ${run.summary}` : ''}${run.error ? ` — ${run.error}` : ''}\n`);
      }
      const shipped = await agent.shipper.drain();
      const status = await agent.status();
      process.stdout.write(shippedLine(shipped, server));
      process.stdout.write(statusText(status, buffer));
      process.exitCode = status.pending > 0 || shipped.rejected > 0 ? EXIT.failure : EXIT.ok;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await agent.close(5_000);
    }
    return;
  }

  agent.startSchedules();
  const stop = (signal: string) => {
    log.info('shutting down', { signal });
    agent.close().then(
      (flushed) => {
        log.info('inboxwatch agent stopped', { shipped: flushed.delivered, ...(flushed.stoppedBy ? { notShipped: flushed.stoppedBy } : {}) });
        process.exit(EXIT.ok);
      },
      (error: Error) => {
        log.error('shutdown failed', { error: error.message });
        process.exit(EXIT.failure);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** `inboxwatch agent status`: what waits in the buffer, why the last try failed, what the server refused. */
export async function agentStatusCommand(_options: AgentStatusOptions, command: Command): Promise<void> {
  // `--buffer` after `status` is taken by `agent`, which has the same option; read both.
  const options = command.optsWithGlobals<AgentStatusOptions>();
  const buffer = existingBuffer(options.buffer, command);
  const db = await openStore(buffer);
  try {
    const status = await outboxStatus(db);
    process.stdout.write(options.json ? `${JSON.stringify({ buffer, ...status }, null, 2)}\n` : statusText(status, buffer));
    process.exitCode = status.rejected.length > 0 ? EXIT.failure : EXIT.ok;
  } finally {
    await db.close();
  }
}

/**
 * `inboxwatch agent discard`: drops runs the server rejected (or, with --force, runs still waiting) from the
 * outbox, printing each first. A dropped run is never queued again.
 */
export async function agentDiscardCommand(_options: AgentDiscardOptions, command: Command): Promise<void> {
  const options = command.optsWithGlobals<AgentDiscardOptions>();
  if ((options.run === undefined) === (options.rejected !== true)) throw new UsageError('agent discard: give either --run ID (one run) or --rejected (every rejected run)');
  const runId = options.run === undefined ? undefined : Number(options.run);
  if (runId !== undefined && !(Number.isSafeInteger(runId) && runId > 0)) throw new UsageError(`--run: expected a run id as \`agent status\` lists it (e.g. 12), got "${options.run}"`);
  const buffer = existingBuffer(options.buffer, command);
  const db = await openStore(buffer);
  try {
    const entries = runId === undefined ? await rejectedEntries(db) : await outboxEntriesOfRun(db, runId);
    if (runId !== undefined && entries.length === 0) throw new UsageError(`--run: run #${runId} is not in the outbox of ${buffer} (shipped already, or never queued); \`inboxwatch agent status\` lists what it holds`);
    const pending = entries.filter((entry) => entry.rejected === null);
    if (pending.length > 0 && !options.force) {
      throw new UsageError(`--run: run #${runId} has not been rejected; it is waiting to be sent, and discarding it loses its results. Add --force to drop it anyway`);
    }
    if (entries.length === 0) {
      process.stdout.write(`buffer ${buffer}: no rejected runs; nothing discarded\n`);
      return;
    }
    for (const entry of entries) process.stdout.write(`discarding ${entryText(entry)}\n`);
    const dropped = await discardEntries(db, entries);
    process.stdout.write(`discarded ${count(dropped, 'run')} from ${buffer}\n`);
    process.exitCode = EXIT.ok;
  } finally {
    await db.close();
  }
}

/** The buffer an agent has already created: `agent status` and `agent discard` never create one. */
function existingBuffer(option: string | undefined, command: Command): string {
  const configFile = globalOptions(command).config ?? process.env.INBOXWATCH_CONFIG;
  const fallbackConfig = resolve('inboxwatch.yaml');
  const buffer = bufferPath(option, configFile ? resolve(configFile) : existsSync(fallbackConfig) ? fallbackConfig : undefined);
  if (!existsSync(buffer)) throw new UsageError(`--buffer: no agent buffer at ${buffer} (an agent creates it on its first start)`);
  return buffer;
}

function entryText(entry: OutboxEntry): string {
  const what = `${entry.job} run #${entry.runId} (batch ${entry.batchId}, ${entry.bytes} bytes, queued ${new Date(entry.queuedAt).toISOString()})`;
  return entry.rejected
    ? `${what}, rejected ${new Date(entry.rejected.at).toISOString()}: ${entry.rejected.error}`
    : `${what}, not rejected but waiting to be sent (--force)`;
}

function shippedLine(result: DrainResult, server: URL): string {
  const sent = `shipped ${count(result.delivered, 'run')} to ${server.origin}`;
  return `${sent}${result.stoppedBy ? `; stopped: ${result.stoppedBy}` : ''}\n`;
}

function statusText(status: OutboxStatus, buffer: string): string {
  const lines = [`buffer ${buffer}: ${count(status.pending, 'run')} waiting (${status.pendingBytes} bytes)${status.oldestQueuedAt ? `, oldest queued ${new Date(status.oldestQueuedAt).toISOString()}` : ''}`];
  if (status.lastError) lines.push(`  last try ${new Date(status.lastError.at).toISOString()} (attempt ${status.lastError.attempts}): ${status.lastError.error}`);
  if (status.rejected.length > 0) {
    lines.push(`${count(status.rejected.length, 'run')} rejected by the server (kept, not retried):`);
    for (const r of status.rejected) lines.push(`  ${r.job} run #${r.runId} (batch ${r.batchId}) rejected ${new Date(r.rejectedAt).toISOString()}: ${r.error}`);
    lines.push('  (drop them with `inboxwatch agent discard --rejected`, or one with `--run ID`)');
  }
  return `${lines.join('\n')}\n`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
