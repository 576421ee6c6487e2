import { INGEST_VERSION, MAX_BATCH_BYTES, type IngestBatch } from '../ingest/batch.js';
import type { Logger } from '../log.js';
import { retryDelay, type Backoff } from '../placement/backoff.js';
import type { Sql } from '../store/sql.js';
import { markAttemptFailed, markDelivered, markRejected, nextShipment, type BatchLimits, type Shipment } from './outbox.js';

/** What goes over the wire: the server's batch format, with each run as it was queued. */
export type OutgoingBatch = Omit<IngestBatch, 'runs'> & { runs: unknown[] };

/** The server's answer to one batch; a transport throws when there is no answer at all (unreachable, timeout). */
export interface TransportAnswer {
  status: number;
  /** The server's own words when it refused, e.g. `runs[0].job: expected ...`. */
  error?: string;
}

export type Transport = (batch: OutgoingBatch, signal?: AbortSignal) => Promise<TransportAnswer>;

export type Verdict = 'delivered' | 'retry' | 'unjudged' | 'rejected';

/**
 * How an answer is taken. 2xx: the server has the batch (`stored` or `duplicate`). 408, 429 and 5xx: try
 * again later. 401, 403, 404 and 405 say the server did not judge the batch at all (a wrong or revoked
 * token, a URL that is not an inboxwatch server, one without ingest yet): they are retried, loudly, so
 * fixing the agent's configuration loses nothing. Any other 4xx refuses this batch for good.
 */
export function verdictOf(status: number): Verdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 401 || status === 403 || status === 404 || status === 405) return 'unjudged';
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'rejected';
  return 'retry';
}

/**
 * How much one request carries: the server's body limit, and at most 100 runs, so one batch (one transaction
 * on the server; on Workers one D1 batch with its 30 s limit) stays short even when the runs are small.
 */
export const BATCH_LIMITS: BatchLimits = { maxRuns: 100, maxBytes: MAX_BATCH_BYTES };

/** From 1 s doubling to 5 minutes between tries while the server is away, with jitter so agents spread out. */
export const SHIP_BACKOFF: Backoff = { baseMs: 1_000, capMs: 5 * 60_000 };

export interface ShipperDeps {
  db: Sql;
  transport: Transport;
  log: Logger;
  limits: BatchLimits;
  /** Named in each batch so the server can say which agent sent it. */
  agent?: string;
  now?: () => number;
  random?: () => number;
  newId?: () => string;
  backoff?: Backoff;
}

/** One pass over the outbox: what happened, and what stopped it. */
export interface DrainResult {
  delivered: number;
  rejected: number;
  /** Why the pass stopped with runs still waiting (unreachable, 5xx, …); undefined when it emptied the outbox. */
  stoppedBy?: string;
}

export interface Shipper {
  /** Sends batches until the outbox is empty or a try fails; a failed try is not retried within the pass. */
  drain(signal?: AbortSignal): Promise<DrainResult>;
  /** Keeps draining in the background, backing off while the server is away; `notify` wakes it for new runs. */
  start(): void;
  notify(): void;
  /** Stops the background loop, then tries one last pass for up to `graceMs`, so a clean stop leaves little behind. */
  stop(graceMs: number): Promise<DrainResult>;
}

export function createShipper(deps: ShipperDeps): Shipper {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const backoff = deps.backoff ?? SHIP_BACKOFF;
  const { db, log } = deps;

  async function send(shipment: Shipment, signal?: AbortSignal): Promise<TransportAnswer> {
    const batch: OutgoingBatch = { version: INGEST_VERSION, id: shipment.batchId, ...(deps.agent ? { agent: deps.agent } : {}), runs: shipment.rows.map((row) => JSON.parse(row.payload) as unknown) };
    return deps.transport(batch, signal);
  }

  async function drain(signal?: AbortSignal): Promise<DrainResult> {
    const result: DrainResult = { delivered: 0, rejected: 0 };
    while (!signal?.aborted) {
      const shipment = await nextShipment(db, deps.limits, now());
      if (!shipment) return result;
      const fields = { batch: shipment.batchId, runs: shipment.rows.length };
      let answer: TransportAnswer;
      try {
        answer = await send(shipment, signal);
      } catch (error) {
        const reason = `server unreachable: ${error instanceof Error ? error.message : String(error)}`;
        await markAttemptFailed(db, shipment.batchId, reason, now());
        log.warn('could not ship results; they stay in the buffer', { ...fields, error: reason });
        return { ...result, stoppedBy: reason };
      }
      const verdict = verdictOf(answer.status);
      const said = `HTTP ${answer.status}${answer.error ? `: ${answer.error}` : ''}`;
      if (verdict === 'delivered') {
        await markDelivered(db, shipment.batchId);
        result.delivered += shipment.rows.length;
        log.info('shipped results', { ...fields, status: answer.status });
      } else if (verdict === 'rejected') {
        const outcome = await markRejected(db, shipment, { status: answer.status, error: said }, now(), newId);
        if (outcome === 'rejected') {
          result.rejected += 1;
          log.error('the server rejected results for good; they are kept in the buffer and shown by `inboxwatch agent status`', { ...fields, run: shipment.rows[0]?.runId, job: shipment.rows[0]?.job, error: said });
        } else {
          log.warn('the server refused a batch of several runs; sending each on its own', { ...fields, error: said });
        }
      } else {
        await markAttemptFailed(db, shipment.batchId, said, now());
        if (verdict === 'unjudged') log.error('the server does not take results from this agent; check --server and the agent token', { ...fields, error: said });
        else log.warn('the server could not take results now; they stay in the buffer', { ...fields, error: said });
        return { ...result, stoppedBy: said };
      }
    }
    return { ...result, stoppedBy: 'stopping' };
  }

  let loop: Promise<void> | undefined;
  let controller = new AbortController();
  let wake: (() => void) | undefined;
  let woken = false;

  /**
   * Resolves after `ms` or when stopped; an idle pause also ends when a run is queued. A backoff pause
   * does not: new runs during an outage must not hammer a server that is away.
   */
  function pause(ms: number, signal: AbortSignal, idle: boolean): Promise<void> {
    return new Promise((resolve) => {
      if ((idle && woken) || signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        wake = undefined;
        resolve();
      }
      if (idle) wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  async function background(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      woken = false;
      let result: DrainResult;
      try {
        result = await drain(signal);
      } catch (error) {
        log.error('the shipper failed; retrying', { error: error instanceof Error ? error.message : String(error) });
        result = { delivered: 0, rejected: 0, stoppedBy: 'error' };
      }
      if (signal.aborted) return;
      if (result.stoppedBy === undefined) {
        failures = 0;
        // Idle until a run is queued; an hour's wake-up also retries anything left by a failing disk.
        await pause(60 * 60_000, signal, true);
      } else {
        // A pass that delivered something before failing starts the backoff over: the server was there.
        failures = result.delivered > 0 ? 1 : failures + 1;
        const delay = retryDelay(failures, random, backoff);
        log.info('will try shipping again', { inMs: delay, failures });
        await pause(delay, signal, false);
      }
    }
  }

  return {
    drain,
    start() {
      if (loop) return;
      controller = new AbortController();
      loop = background(controller.signal);
    },
    notify() {
      woken = true;
      wake?.();
    },
    async stop(graceMs) {
      if (!loop) return { delivered: 0, rejected: 0 };
      controller.abort();
      await loop;
      loop = undefined;
      const final = new AbortController();
      const timer = setTimeout(() => final.abort(), graceMs);
      try {
        return await drain(final.signal);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
