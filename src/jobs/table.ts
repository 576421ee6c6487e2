import { auditJob } from '../audit/job.js';
import { blocklistsJob } from '../blocklists/job.js';
import type { Config } from '../config/schema.js';
import { reportsJob } from '../node/reports/service.js';
import { placementJob } from '../placement/job.js';
import { housekeepingJob } from './housekeeping.js';
import type { Job } from './types.js';

/** Every job inboxwatch knows. Feature jobs (audit, blocklists, placement, reports) register here. */
export const JOBS: readonly Job[] = [housekeepingJob, auditJob, blocklistsJob, placementJob, reportsJob];

export interface ScheduledJob {
  job: Job;
  /** Cron expression from `schedules.<name>`; undefined means the job only runs on demand. */
  schedule: string | undefined;
  /** Set when the configuration gives the job nothing to do, which keeps it off the schedule. */
  idleReason: string | undefined;
}

export function jobTable(config: Config, jobs: readonly Job[] = JOBS): ScheduledJob[] {
  const schedules = config.schedules as Record<string, string | undefined>;
  return jobs.map((job) => {
    const configured = schedules[job.name];
    const idleReason = job.idleReason?.(config);
    return { job, schedule: configured === 'off' || idleReason ? undefined : configured, idleReason };
  });
}

export function findJob(name: string, jobs: readonly Job[] = JOBS): Job | undefined {
  return jobs.find((job) => job.name === name);
}
