import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/parse.js';
import { JobBusyError, createJobRunner } from '../../../src/jobs/job-runner.js';
import type { Resolver } from '../../../src/dns/types.js';
import type { Job } from '../../../src/jobs/types.js';
import { silentLogger } from '../../../src/log.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import { interruptOrphanedRuns, listRuns, startRun } from '../../../src/store/runs.js';
import { soleOwner } from '../../support/owner.js';

const config = parseConfigText('', 'test.yaml', {});

/** These jobs ask no DNS questions; a resolver that refuses makes sure of it. */
const noDns = (): Resolver => ({ query: () => Promise.reject(new Error('this test asks no DNS questions')) });

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('job runner', () => {
  it('records a successful run and a failed one', async () => {
    const db = await openStore(':memory:');
    const runner = createJobRunner({ config, db, log: silentLogger, resolver: noDns, owner: soleOwner });
    const ok: Job = { name: 'ok', description: '', run: async () => ({ summary: 'did it' }) };
    const bad: Job = { name: 'bad', description: '', run: async () => Promise.reject(new Error('DNS server unreachable')) };
    expect((await runner.run(ok, 'manual')).run).toMatchObject({ status: 'ok', summary: 'did it', trigger: 'manual' });
    expect((await runner.run(bad, 'schedule')).run).toMatchObject({ status: 'error', error: 'DNS server unreachable' });
    expect((await listRuns(db, { limit: 10 })).map((r) => r.status)).toEqual(['error', 'ok']);
  });

  it('refuses to overlap runs of one job', async () => {
    const db = await openStore(':memory:');
    const runner = createJobRunner({ config, db, log: silentLogger, resolver: noDns, owner: soleOwner });
    const { open, opened } = gate();
    const slow: Job = { name: 'slow', description: '', run: async () => opened.then(() => ({ summary: 'done' })) };
    const first = runner.run(slow, 'schedule');
    await expect(runner.run(slow, 'schedule')).rejects.toBeInstanceOf(JobBusyError);
    open();
    expect((await first).run.status).toBe('ok');
  });

  it('marks a job that outlives the shutdown grace period as interrupted', async () => {
    const db = await openStore(':memory:');
    const runner = createJobRunner({ config, db, log: silentLogger, resolver: noDns, owner: soleOwner });
    const stuck: Job = { name: 'stuck', description: '', run: () => new Promise(() => {}) };
    void runner.run(stuck, 'schedule');
    await new Promise((resolve) => setTimeout(resolve, 10));
    await runner.shutdown(50);
    const [run] = await listRuns(db, { limit: 1 });
    expect(run).toMatchObject({ status: 'interrupted', error: expect.stringContaining('shutdown') });
  });

  it('lets a job that honours the abort signal finish as interrupted within the grace period', async () => {
    const db = await openStore(':memory:');
    const runner = createJobRunner({ config, db, log: silentLogger, resolver: noDns, owner: soleOwner });
    const polite: Job = {
      name: 'polite',
      description: '',
      run: ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ summary: 'stopped early' }))),
    };
    const outcome = runner.run(polite, 'schedule');
    await new Promise((resolve) => setTimeout(resolve, 10));
    await runner.shutdown(5_000);
    expect((await outcome).run).toMatchObject({ status: 'interrupted', summary: 'stopped early' });
  });

  it('marks runs left running by a process that is gone as interrupted, and only those', async () => {
    const db = await openStore(':memory:');
    await startRun(db, 'placement', 'schedule', 1, 'crashed');
    await startRun(db, 'audit', 'schedule', 1, 'alive-elsewhere');
    await startRun(db, 'blocklists', 'schedule', 1, soleOwner.id);
    const owner = { id: soleOwner.id, isGone: async (id: string | null) => id === 'crashed' };
    expect(await interruptOrphanedRuns(db, owner, 2, 'the process stopped')).toBe(1);
    const runs = await listRuns(db, { limit: 3 });
    expect(Object.fromEntries(runs.map((r) => [r.job, r.status]))).toEqual({ placement: 'interrupted', audit: 'running', blocklists: 'running' });
  });
});
