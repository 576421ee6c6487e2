import type { Config } from '../config/schema.js';
import type { Job } from './types.js';

export interface ScheduledJob {
  job: Job;
  /** Cron expression from `schedules.<name>`; undefined means the job only runs on demand. */
  schedule: string | undefined;
  /** Set when the configuration gives the job nothing to do, which keeps it off the schedule. */
  idleReason: string | undefined;
}

/** The jobs a runtime assembled, each with its schedule under this configuration. */
export function jobTable(config: Config, jobs: readonly Job[]): ScheduledJob[] {
  const schedules = config.schedules as Record<string, string | undefined>;
  return jobs.map((job) => {
    const configured = schedules[job.name];
    const idleReason = job.idleReason?.(config);
    return { job, schedule: configured === 'off' || idleReason ? undefined : configured, idleReason };
  });
}

export function findJob(name: string, jobs: readonly Job[]): Job | undefined {
  return jobs.find((job) => job.name === name);
}
