import { hostname } from 'node:os';
import { outboxStatus, type BatchLimits, type OutboxStatus } from '../../agent/outbox.js';
import { queueFinishedRuns } from '../../agent/queue.js';
import { createShipper, type DrainResult, type Shipper, type Transport } from '../../agent/shipper.js';
import type { Config } from '../../config/schema.js';
import type { Backoff } from '../../placement/backoff.js';
import { INGEST_JOBS, type IngestRun } from '../../ingest/batch.js';
import { createJobRunner, type RunOutcome } from '../../jobs/job-runner.js';
import { jobTable, type ScheduledJob } from '../../jobs/table.js';
import type { Job } from '../../jobs/types.js';
import type { Logger } from '../../log.js';
import { interruptOrphanedRuns } from '../../store/runs.js';
import type { Sql } from '../../store/sql.js';
import { startScheduler, type Scheduler } from '../cron-scheduler.js';
import { startPlacementService, type PlacementService } from '../placement-service.js';
import { registerProcessOwner, type RegisteredOwner } from '../process-owner.js';
import { createNodeRuntime } from '../root.js';
import { openStore } from '../sqlite-store.js';

/** The server evaluates alerts and sends digests over everything agents ship; an agent never does. */
const NOT_ON_AGENTS: ReadonlySet<string> = new Set(['digest']);

export interface AgentDeps {
  /** The same configuration `serve` reads; its `database` is ignored in favour of `buffer`. */
  config: Config;
  /** The agent's local store: facts of its runs, and the outbox of what the server has not confirmed. */
  buffer: string;
  transport: Transport;
  /** One finished run's facts as the server's ingest API takes them. */
  exportRun: (db: Sql, runId: number) => Promise<IngestRun>;
  limits: BatchLimits;
  /** Retry timing while the server is away; SHIP_BACKOFF by default. */
  backoff?: Backoff;
  log: Logger;
  /** Named in each batch; the host name by default. */
  name?: string;
}

export interface Agent {
  table: ScheduledJob[];
  shipper: Shipper;
  /** Runs every job that has a schedule under this configuration once, together, and waits for them. */
  runEnabledJobsOnce(): Promise<Array<{ job: Job; outcome: RunOutcome }>>;
  /** Runs the jobs on their schedules as `serve` does, and ships in the background. */
  startSchedules(): void;
  status(): Promise<OutboxStatus>;
  /** Stops scheduling, lets runs finish or marks them interrupted within the grace, flushes what it can, closes. */
  close(graceMs?: number): Promise<DrainResult>;
}

/** `inboxwatch agent`: `serve`'s jobs (minus the server's own) on the local buffer, shipping each finished run. */
export async function openAgent(deps: AgentDeps): Promise<Agent> {
  const { log } = deps;
  const config = { ...deps.config, database: deps.buffer };
  const db = await openStore(deps.buffer);
  let owner: RegisteredOwner;
  try {
    owner = await registerProcessOwner(db, 'agent', log);
  } catch (error) {
    await db.close();
    throw error;
  }
  const interrupted = await interruptOrphanedRuns(db, owner, Date.now(), 'the process stopped before the run finished');
  if (interrupted > 0) log.warn('marked runs of processes that are gone as interrupted', { count: interrupted });

  // Passes run one at a time (jobs finish concurrently); the marks keep even overlapping ones from queueing twice.
  // Housekeeping and other upkeep stay local: only the jobs the server takes (INGEST_JOBS) are queued.
  let queueing: Promise<unknown> = Promise.resolve();
  const queuePending = () => {
    const pass = queueing.then(() => queueFinishedRuns({ db, jobs: INGEST_JOBS, exportRun: deps.exportRun, log, now: Date.now, newBatchId: () => crypto.randomUUID() }));
    queueing = pass.catch(() => undefined);
    return pass;
  };
  try {
    const left = await queuePending();
    if (left.queued > 0) log.warn('queued runs an earlier agent process left unshipped', { count: left.queued });
  } catch (error) {
    await owner.retire();
    await db.close();
    throw error;
  }

  const runtime = createNodeRuntime(config);
  const table = jobTable(config, runtime.jobs.filter((job) => !NOT_ON_AGENTS.has(job.name)));
  const shipper = createShipper({ db, transport: deps.transport, log, limits: deps.limits, agent: deps.name ?? hostname(), ...(deps.backoff ? { backoff: deps.backoff } : {}) });
  const runner = createJobRunner({
    config,
    db,
    log,
    resolver: runtime.resolver,
    owner,
    // Right after each run is recorded, before its job runs again (a blocklist sweep's results stand in the
    // store only until the next sweep). A run a crash leaves unqueued is marked interrupted and queued at the
    // next start.
    afterRun: async () => {
      if ((await queuePending()).queued > 0) shipper.notify();
    },
  });

  let scheduler: Scheduler | undefined;
  let placement: PlacementService | undefined;
  let closing: Promise<DrainResult> | undefined;

  return {
    table,
    shipper,
    async runEnabledJobsOnce() {
      const enabled = table.filter((entry) => entry.schedule !== undefined);
      return Promise.all(enabled.map(async ({ job }) => ({ job, outcome: await runner.run(job, 'schedule') })));
    },
    startSchedules() {
      // Tests left unfinished by a crash are claimed by the next placement run, so their facts ship with it.
      // Likewise the report mailbox is read by the scheduled reports job only, never between runs as under
      // `serve`, so every report it takes in belongs to a run that ships.
      placement = startPlacementService({ config, db, log, runtime: runtime.placement, resolver: runtime.resolver(), owner, resume: false });
      scheduler = startScheduler(table, runner, log);
      shipper.start();
    },
    status: () => outboxStatus(db),
    close(graceMs = 10_000) {
      closing ??= (async () => {
        await scheduler?.stop();
        await runner.shutdown(graceMs);
        await placement?.stop();
        // Runs the grace period cut off are recorded interrupted by now: queued for the last try below.
        await queuePending().catch((error: Error) => log.error('could not queue the last runs', { error: error.message }));
        const flushed = await shipper.stop(graceMs);
        await owner.retire();
        await db.close();
        return flushed;
      })();
      return closing;
    },
  };
}
