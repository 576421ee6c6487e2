import { hostname } from 'node:os';
import { createAlertEngine, type AlertEngine } from '../../alerts/engine.js';
import type { Config } from '../../config/schema.js';
import type { Resolver } from '../../dns/types.js';
import type { Logger } from '../../log.js';
import type { Sql } from '../../store/sql.js';
import { nodeNotifiers } from './notifiers.js';

export interface NodeAlerts {
  engine: AlertEngine;
  /** For the job runner: evaluate the facts the run stored, then send what that queued. */
  afterRun(): Promise<void>;
  /**
   * For facts stored outside a job run (a report upload, the report mailbox under IDLE): evaluate now,
   * so the caller's answer comes after the incidents, and send in the background.
   */
  afterIntake(): Promise<void>;
  stop(): Promise<void>;
}

/** How often `serve` looks for notifications due a retry (a channel that was down). */
const RETRY_POLL_MS = 30_000;

/** The alert engine with Node's channels; `retry` keeps a timer sending whatever is due, for a long-lived process. */
export function startAlerts(deps: { config: Config; db: Sql; log: Logger; retry: boolean; resolver: Resolver; now?: () => number }): NodeAlerts {
  const engine = createAlertEngine({ ...deps, notifiers: nodeNotifiers(deps.config, deps.resolver), holder: `${hostname()}:${process.pid}:${Date.now()}` });
  let sending: Promise<unknown> = Promise.resolve();
  const deliver = (): Promise<unknown> => {
    sending = sending.then(() => engine.deliver()).catch((error: Error) => deps.log.error('alert delivery failed', { error: error.message }));
    return sending;
  };
  const timer = deps.retry && deps.config.alerts.channels.length > 0 ? setInterval(() => void deliver(), RETRY_POLL_MS) : undefined;
  timer?.unref();
  if (deps.retry) void deliver();
  return {
    engine,
    async afterRun() {
      await engine.evaluate();
      await deliver();
    },
    async afterIntake() {
      await engine.evaluate();
      void deliver();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await sending;
    },
  };
}
