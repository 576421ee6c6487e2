import type { Config } from '../config/schema.js';
import type { Resolver } from '../dns/types.js';
import type { Logger } from '../log.js';
import type { ProcessOwner } from '../store/owners.js';
import type { Sql } from '../store/sql.js';

export interface JobContext {
  config: Config;
  db: Sql;
  /** Fresh for each run, with a cache that lives as long as the run. */
  resolver: Resolver;
  log: Logger;
  /** Aborted when the process is shutting down: stop starting new work and return. */
  signal: AbortSignal;
  now: () => number;
  /** The process doing the run; work it starts is recorded as its own. */
  owner: ProcessOwner;
  /**
   * The run being recorded; facts the job stores link to it so an agent can read one run's facts back and
   * ship them. Absent when a job is called outside the runner.
   */
  runId?: number;
}

export interface JobResult {
  /** One line for `inboxwatch run` and the runs list, e.g. "3 domains audited, 2 findings". */
  summary: string;
  /** Machine-readable outcome for `--json`. */
  details?: unknown;
}

export interface Job {
  name: string;
  description: string;
  run(context: JobContext): Promise<JobResult>;
  /** Why a scheduled run would have nothing to do under this configuration; such a job is not scheduled. */
  idleReason?(config: Config): string | undefined;
  /** A schedule the job takes from elsewhere in the configuration than `schedules.<name>`. */
  schedule?(config: Config): string | undefined;
}
