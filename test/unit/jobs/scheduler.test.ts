import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/parse.js';
import { createJobRunner } from '../../../src/jobs/job-runner.js';
import { soleOwner } from '../../support/owner.js';
import { startScheduler } from '../../../src/node/cron-scheduler.js';
import { jobTable } from '../../../src/jobs/table.js';
import type { Resolver } from '../../../src/dns/types.js';
import type { Job } from '../../../src/jobs/types.js';
import type { Logger } from '../../../src/log.js';
import { JOB_NAMES } from '../../../src/node/job-names.js';
import { createNodeRuntime } from '../../../src/node/root.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import { listRuns } from '../../../src/store/runs.js';

const config = parseConfigText('', 'test.yaml', {});

/** These jobs ask no DNS questions; a resolver that refuses makes sure of it. */
const noDns = (): Resolver => ({ query: () => Promise.reject(new Error('this test asks no DNS questions')) });

describe('job table', () => {
  it('lists the Node jobs under the names the CLI help shows without loading them', () => {
    expect(createNodeRuntime(config).jobs.map((job) => job.name)).toEqual([...JOB_NAMES]);
  });

  it('schedules feature jobs by default only when the configuration gives them something to do', () => {
    const idle = jobTable(config, createNodeRuntime(config).jobs);
    expect(idle.find((j) => j.job.name === 'audit')).toMatchObject({ schedule: undefined, idleReason: 'no domains configured' });
    expect(idle.find((j) => j.job.name === 'housekeeping')?.schedule).toBe('17 3 * * *');
    const busyConfig = parseConfigText('domains: [{ name: example.com }]\nschedules: { blocklists: "off" }\n', 'test.yaml', {});
    const busy = jobTable(busyConfig, createNodeRuntime(busyConfig).jobs);
    expect(busy.find((j) => j.job.name === 'audit')).toMatchObject({ schedule: '15 * * * *', idleReason: undefined });
    expect(busy.find((j) => j.job.name === 'blocklists')).toMatchObject({ schedule: undefined, idleReason: undefined });
  });
});

describe('scheduler', () => {
  it('fires jobs on their cron schedule and skips ticks while the previous run is still going', async () => {
    const db = await openStore(':memory:');
    const warnings: string[] = [];
    const log: Logger = { debug() {}, info() {}, error() {}, warn: (message) => warnings.push(message) };
    const runner = createJobRunner({ config, db, log, resolver: noDns, owner: soleOwner });
    let concurrent = 0;
    let maxConcurrent = 0;
    const slow: Job = {
      name: 'slow',
      description: 'takes longer than its schedule interval',
      async run() {
        maxConcurrent = Math.max(maxConcurrent, ++concurrent);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        concurrent--;
        return { summary: 'done' };
      },
    };
    const scheduler = startScheduler(
      [
        { job: slow, schedule: '* * * * * *', idleReason: undefined },
        { job: { ...slow, name: 'manual-only' }, schedule: undefined, idleReason: undefined },
      ],
      runner,
      log,
    );
    await new Promise((resolve) => setTimeout(resolve, 3_300));
    await scheduler.stop();
    await runner.shutdown(2_000);

    const runs = await listRuns(db, { limit: 10 });
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.every((run) => run.job === 'slow' && run.trigger === 'schedule')).toBe(true);
    expect(maxConcurrent).toBe(1);
    expect(warnings).toContain('skipped: previous run still going');
  });
});
