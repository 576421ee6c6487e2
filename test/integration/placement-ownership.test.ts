import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReport } from '../../src/placement/report.js';
import { CLI, runCli, startServe } from '../support/cli.js';
import { dkimKeyFile, messagesInMailbox, provider, seedEntry, tempDir, writeConfigFile } from '../support/placement.js';
import { clearRecipientRule, seed, setRecipientRule } from '../world/context.js';

/** Seeds 23 and 24 take ordinary mail, 25 is blackholed by the MX; 1–4 are the world's ordinary seeds. */
const BLACKHOLED = 25;
const SEEDS = [23, 24, 1, 2, 3, 4];
const seedNumber = (address: string) => Number(/^seed(\d+)@/.exec(address)?.[1]);

function startTest(dir: string, config: string): ChildProcess {
  return spawn(process.execPath, [CLI, '-c', config, 'test', '--provider', 'slow', '--json'], { cwd: dir, stdio: 'ignore' });
}

/** Polls the database (read-only, as another process would) until `done` says so; returns its last answer. */
async function waitFor<T>(dir: string, query: (db: Database.Database) => T, done: (value: T) => boolean): Promise<T> {
  let value: T | undefined;
  for (let i = 0; i < 400; i++) {
    await sleep(25);
    let db: Database.Database | undefined;
    try {
      db = new Database(`${dir}/inboxwatch.db`, { readonly: true, fileMustExist: true });
      value = query(db);
    } catch {
      // Not created or not migrated yet.
      value = undefined;
    } finally {
      db?.close();
    }
    if (value !== undefined && done(value)) return value;
  }
  throw new Error(`timed out waiting; last: ${JSON.stringify(value)}`);
}

const sendStates = (db: Database.Database) =>
  db.prepare("SELECT send_status AS status, COUNT(*) AS n FROM messages GROUP BY send_status").all() as Array<{ status: string; n: number }>;
const count = (states: Array<{ status: string; n: number }>, status: string) => states.find((s) => s.status === status)?.n ?? 0;

/** Every copy of every message of the report in the seed's INBOX, Junk and the Chinese junk folder. */
async function copies(seeds: TestReport['providers'][number]['seeds']): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const s of seeds) {
    let n = 0;
    for (const folder of ['INBOX', 'Junk']) n += (await messagesInMailbox(seedNumber(s.seed), folder, s.messageId)).length;
    out.set(s.messageId, n);
  }
  return out;
}

describe('crashes and processes sharing one database', () => {
  beforeAll(() => setRecipientRule(seed(BLACKHOLED).address, { drop: true }));
  afterAll(() => clearRecipientRule(seed(BLACKHOLED).address));

  it('killed mid-send with messages still pending, then resumed by two processes at once: one takes it, nothing is sent twice or mislabelled', async () => {
    const dir = tempDir();
    const config = writeConfigFile(dir, {
      providers: [provider('slow', { sign: true, dkimKeyFile: dkimKeyFile(dir) })],
      seeds: SEEDS.map((n) => seedEntry(n)),
      placement: { timeout: '12s' },
    });
    const child = startTest(dir, config);
    // The slow relay forwards at once but answers 250 only 1.5 s later: kill while some are in that window and some not started.
    const atKill = await waitFor(dir, sendStates, (s) => count(s, 'sending') > 0 && count(s, 'pending') > 0);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(count(atKill, 'sending')).toBeGreaterThan(0);

    const [a, b] = await Promise.all([
      runCli(['-c', config, 'test', '--resume', '--json'], { cwd: dir }),
      runCli(['-c', config, 'test', '--resume', '--json'], { cwd: dir }),
    ]);
    const outcomes = [JSON.parse(a.stdout) as TestReport[], JSON.parse(b.stdout) as TestReport[]];
    expect(outcomes.map((o) => o.length).sort()).toEqual([0, 1]);
    const report = outcomes.flat()[0] as TestReport;
    expect(report.test.status).toBe('complete');
    const seeds = report.providers[0]?.seeds ?? [];
    expect(seeds).toHaveLength(SEEDS.length);
    // Caught mid-send: never sent again. Still pending: sent by the resume.
    // (one caught in `sending` may have had its 250 between our look and the kill, so at most that many)
    expect(seeds.filter((s) => s.send.status === 'interrupted').length).toBeLessThanOrEqual(count(atKill, 'sending'));
    expect(seeds.some((s) => s.send.status === 'sending' || s.send.status === 'pending')).toBe(false);

    await sleep(2000);
    const found = await copies(seeds);
    for (const s of seeds) {
      const n = found.get(s.messageId);
      expect(n, `${s.seed} ${s.send.status}`).toBeLessThanOrEqual(1);
      // What the verdict says is what the mailbox holds.
      if (s.placement === 'inbox' || s.placement === 'spam') expect(n).toBe(1);
      else expect([s.placement, n]).toEqual(['send-error', 0]);
      if (s.send.status === 'sent') expect(s.placement).toBe('inbox');
    }
  });

  it('leaves a live CLI test alone when serve starts: mail in flight is not re-labelled, the blackholed message stays missing', async () => {
    const dir = tempDir();
    const config = writeConfigFile(dir, {
      providers: [provider('slow', { sign: true, dkimKeyFile: dkimKeyFile(dir) })],
      seeds: [BLACKHOLED, 23, 24, 1, 2, 3, 4].map((n) => seedEntry(n)),
      placement: { timeout: '12s' },
    });
    const child = spawn(process.execPath, [CLI, '-c', config, 'test', '--provider', 'slow', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await waitFor(dir, sendStates, (s) => count(s, 'sending') > 0);
    const serve = await startServe({ cwd: dir, args: ['-c', config] });
    let statesWhileServing: Array<{ status: string; n: number }>;
    try {
      statesWhileServing = await waitFor(dir, sendStates, () => true);
      await once(child, 'exit');
      expect(serve.log()).not.toContain('resuming placement tests');
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    expect(count(statesWhileServing, 'interrupted')).toBe(0);
    const report = JSON.parse(stdout) as TestReport;
    const seeds = report.providers[0]?.seeds ?? [];
    expect(seeds.map((s) => s.send.status)).toEqual(seeds.map(() => 'sent'));
    for (const s of seeds) expect(s.placement).toBe(seedNumber(s.seed) === BLACKHOLED ? 'missing' : 'inbox');
    const found = await copies(seeds);
    for (const s of seeds) expect(found.get(s.messageId)).toBe(seedNumber(s.seed) === BLACKHOLED ? 0 : 1);
  });

  it('leaves a live process\'s run running when another `inboxwatch run` starts, and interrupts it once the process is killed', async () => {
    const dir = tempDir();
    const database = `${dir}/data/inboxwatch.db`;
    const script = fileURLToPath(new URL('../support/endless-job.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, database], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('started') && resolve()));
    const statusOf = async () => {
      const db = new Database(database, { readonly: true });
      try {
        return (db.prepare("SELECT status FROM runs WHERE job = 'endless'").get() as { status: string }).status;
      } finally {
        db.close();
      }
    };
    try {
      expect((await runCli(['run', 'housekeeping', '--json'], { cwd: dir })).code).toBe(0);
      expect(await statusOf()).toBe('running');
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect((await runCli(['run', 'housekeeping', '--json'], { cwd: dir })).code).toBe(0);
    expect(await statusOf()).toBe('interrupted');
  });
});
