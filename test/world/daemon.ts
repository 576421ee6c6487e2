import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { PortInUseError } from './ports.js';

/** A foreground daemon (NSD, Dovecot) owned by this process. */
export interface Daemon {
  readonly name: string;
  readonly startedMarker: RegExp;
  /** Resolves with the exit code (or signal name) when the process has gone. */
  readonly exited: Promise<number | string>;
  /** Its log so far: what it wrote to stdout/stderr and its own log file. */
  log(): string;
  /** SIGTERM, then SIGKILL if it has not gone within the grace period. */
  stop(): Promise<void>;
}

export interface DaemonOptions {
  /** Receives stdout and stderr. */
  outputFile: string;
  /** The daemon's own log file, if it writes one, so start failures can quote it. */
  logFile?: string;
  /**
   * A log line the daemon writes only once it holds its ports. Until it appears, a probe that succeeds may be
   * talking to another run's server that won the race for the port.
   */
  startedMarker: RegExp;
  stopGraceMs?: number;
}

const running = new Set<ChildProcess>();

// A crashed or interrupted test runner must not leave daemons behind: 'exit' covers a normal or
// thrown exit, and the parent-death signal (setpriv) covers SIGKILL, where no handler runs.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
const SETPRIV = '/usr/bin/setpriv';
const hasSetpriv = existsSync(SETPRIV);

export function startDaemon(name: string, command: string, args: string[], options: DaemonOptions): Daemon {
  // Fresh files per start, so a retry on another port is judged by its own log only.
  if (options.logFile !== undefined) rmSync(options.logFile, { force: true });
  const output = openSync(options.outputFile, 'w');
  const [file, argv] = hasSetpriv ? [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
  let child: ChildProcess;
  try {
    child = spawn(file, argv, { stdio: ['ignore', output, output] });
  } finally {
    closeSync(output);
  }
  running.add(child);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (error) => {
      running.delete(child);
      resolve(error.message);
    });
  });
  const log = () =>
    [options.outputFile, options.logFile]
      .filter((path): path is string => path !== undefined && existsSync(path))
      .map((path) => readFileSync(path, 'utf8'))
      .join('');

  return {
    name,
    startedMarker: options.startedMarker,
    exited,
    log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const escalate = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs ?? 5000);
      await exited;
      clearTimeout(escalate);
    },
  };
}

/**
 * Polls `ready` until it returns true. Fails fast, quoting the daemon's log, if the daemon exits first
 * (as a {@link PortInUseError} when it lost its port to another process), or when `timeoutMs` passes.
 */
export async function waitUntilReady(daemon: Daemon, ready: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  let exit: number | string | undefined;
  void daemon.exited.then((code) => {
    exit = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit !== undefined) break;
    if (daemon.startedMarker.test(daemon.log()) && (await ready())) return;
    await sleep(25);
  }
  const log = daemon.log().trim().split('\n').slice(-15).join('\n');
  await daemon.stop();
  if (exit !== undefined && /address already in use/i.test(log)) throw new PortInUseError(`${daemon.name}: ${log}`);
  const why = exit === undefined ? `not ready after ${timeoutMs} ms` : `exited (${exit}) before it was ready`;
  throw new Error(`${daemon.name} ${why}; its log ends:\n${log}`);
}
