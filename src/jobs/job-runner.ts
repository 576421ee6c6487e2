import type { Config } from '../config/schema.js';
import type { Resolver } from '../dns/types.js';
import type { Logger } from '../log.js';
import { finishRun, getRun, startRun, type Run, type RunTrigger } from '../store/runs.js';
import type { ProcessOwner } from '../store/owners.js';
import type { Sql } from '../store/sql.js';
import type { Job, JobResult } from './types.js';

export interface RunnerDeps {
  config: Config;
  db: Sql;
  log: Logger;
  now?: () => number;
  /** Makes each run's resolver (and its cache); the runtime's composition root decides which kind. */
  resolver: () => Resolver;
  /** Runs after every recorded run, whatever its status: alert evaluation reads the facts the run stored. */
  afterRun?: (job: Job, outcome: RunOutcome) => Promise<void>;
  /** This process, recorded on each run so another process starting up leaves it alone while it lives. */
  owner: ProcessOwner;
}

export interface RunOutcome {
  run: Run;
  result?: JobResult;
}

export class JobBusyError extends Error {
  constructor(readonly job: string) {
    super(`job ${job} is already running`);
    this.name = 'JobBusyError';
  }
}

export interface JobRunner {
  /** Runs a job now, recording it in `runs`; refuses to start a second run of a job that is running. */
  run(job: Job, trigger: RunTrigger): Promise<RunOutcome>;
  running(): string[];
  /**
   * Asks running jobs to stop, waits up to `graceMs` for them, and records whatever is still going as
   * interrupted so the next start does not have to guess.
   */
  shutdown(graceMs: number): Promise<void>;
}

interface ActiveRun {
  /** Undefined for the moment between claiming the job and recording the run. */
  runId: number | undefined;
  controller: AbortController;
  done: Promise<unknown>;
}

export function createJobRunner(deps: RunnerDeps): JobRunner {
  const now = deps.now ?? Date.now;
  const active = new Map<string, ActiveRun>();
  let closing = false;

  async function run(job: Job, trigger: RunTrigger): Promise<RunOutcome> {
    if (closing) throw new Error('shutting down; not starting new runs');
    if (active.has(job.name)) throw new JobBusyError(job.name);
    const controller = new AbortController();
    // Claimed before the first await so a second caller in the same tick sees the job as running.
    const entry: ActiveRun = { runId: undefined, controller, done: Promise.resolve() };
    active.set(job.name, entry);
    const execution = execute(job, trigger, entry)
      .then(async (outcome) => {
        await afterRun(job, outcome);
        return outcome;
      })
      .finally(() => active.delete(job.name));
    entry.done = execution;
    return execution;
  }

  async function execute(job: Job, trigger: RunTrigger, entry: ActiveRun): Promise<RunOutcome> {
    const { controller } = entry;
    const runId = await startRun(deps.db, job.name, trigger, now(), deps.owner.id);
    entry.runId = runId;
    const log = deps.log;
    log.info('job started', { job: job.name, run: runId, trigger });
    try {
      const result = await job.run({
        config: deps.config,
        db: deps.db,
        resolver: deps.resolver(),
        owner: deps.owner,
        log,
        signal: controller.signal,
        now,
        runId,
      });
      const status = controller.signal.aborted ? 'interrupted' : 'ok';
      await finishRun(deps.db, runId, { status, at: now(), summary: result.summary });
      log.info('job finished', { job: job.name, run: runId, status, summary: result.summary });
      return { run: (await getRun(deps.db, runId)) as Run, result };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const status = controller.signal.aborted ? 'interrupted' : 'error';
      await finishRun(deps.db, runId, { status, at: now(), error: message });
      log.error('job failed', { job: job.name, run: runId, status, error: message });
      return { run: (await getRun(deps.db, runId)) as Run };
    }
  }

  async function afterRun(job: Job, outcome: RunOutcome): Promise<void> {
    if (!deps.afterRun) return;
    try {
      await deps.afterRun(job, outcome);
    } catch (error) {
      deps.log.error('after-run step failed', { job: job.name, run: outcome.run.id, error: error instanceof Error ? error.message : String(error) });
    }
  }

  async function shutdown(graceMs: number): Promise<void> {
    closing = true;
    const runs = [...active.values()];
    for (const entry of runs) entry.controller.abort();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled(runs.map((entry) => entry.done)), grace]);
    clearTimeout(timer);
    for (const entry of active.values()) {
      if (entry.runId === undefined) continue;
      await finishRun(deps.db, entry.runId, { status: 'interrupted', at: now(), error: 'stopped by shutdown before it finished' });
      deps.log.warn('job interrupted by shutdown', { run: entry.runId });
    }
  }

  return { run, running: () => [...active.keys()], shutdown };
}
