import { schedule, type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';
import { JobBusyError, type JobRunner } from '../jobs/job-runner.js';
import type { ScheduledJob } from '../jobs/table.js';

export interface Scheduler {
  /** When the job fires next (epoch ms), or null when it is not scheduled. */
  nextRun(job: string): number | null;
  stop(): Promise<void>;
}

/**
 * Fires each scheduled job on its cron expression. A tick that finds the previous run still going is
 * skipped and logged, never queued, so a slow job cannot pile up behind itself.
 */
export function startScheduler(table: ScheduledJob[], runner: JobRunner, log: Logger): Scheduler {
  const tasks = new Map<string, ScheduledTask>();
  for (const { job, schedule: expression, idleReason } of table) {
    if (idleReason) log.info('not scheduled', { job: job.name, reason: idleReason });
    if (!expression) continue;
    tasks.set(
      job.name,
      schedule(
        expression,
        async () => {
          try {
            await runner.run(job, 'schedule');
          } catch (error) {
            if (error instanceof JobBusyError) log.warn('skipped: previous run still going', { job: job.name });
            else log.error('could not start job', { job: job.name, error: (error as Error).message });
          }
        },
        { name: job.name },
      ),
    );
    log.info('scheduled', { job: job.name, cron: expression });
  }
  return {
    nextRun(name) {
      return tasks.get(name)?.getNextRun()?.getTime() ?? null;
    },
    async stop() {
      await Promise.all([...tasks.values()].map((task) => task.destroy()));
    },
  };
}
