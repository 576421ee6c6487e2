import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestReport } from '../../src/placement/report.js';
import { CLI, runCli, startServe } from '../support/cli.js';
import { dkimKeyFile, messagesInMailbox, provider, seedEntry, tempDir, writeConfigFile } from '../support/placement.js';
import { clearRecipientRule, seed, setRecipientRule } from '../world/context.js';

describe('inboxwatch test', () => {
  let dir: string;
  let config: string;

  beforeAll(() => {
    dir = tempDir();
    config = writeConfigFile(dir, {
      providers: [provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) }), provider('refused')],
      seeds: [seedEntry(4), seedEntry(7)],
    });
  });

  it('prints the documented JSON and exits 0 when the test completed', async () => {
    const run = await runCli(['-c', config, 'test', '--provider', 'good', '--timeout', '15s', '--json'], { cwd: dir });
    expect(run.stderr).not.toMatch(/seed4-password|good-secret/);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as TestReport;
    expect(report.test).toMatchObject({ id: expect.any(Number), token: expect.stringMatching(/^iw-/), startedAt: expect.any(Number) });
    expect(report.providers).toHaveLength(1);
    expect(report.providers[0]).toMatchObject({ provider: 'good', send: { status: 'sent', sent: 2, failed: 0 } });
    for (const s of report.providers[0]?.seeds ?? []) {
      expect(s).toMatchObject({
        mailboxProvider: 'other',
        send: { status: 'sent', response: expect.stringMatching(/^250 /), at: expect.any(Number) },
        placement: 'inbox',
        folder: 'INBOX',
        late: false,
        latencyMs: expect.any(Number),
        latencyErrorMs: expect.any(Number),
        auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
        receiverAuth: { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
        spam: { flag: false, score: 0.1 },
        error: null,
      });
    }
  });

  it('exits 1 when a provider failed to send, and 2 on usage errors', async () => {
    const refused = await runCli(['-c', config, 'test', '--provider', 'refused', '--timeout', '5s', '--json'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect((JSON.parse(refused.stdout) as TestReport).providers[0]?.send.status).toBe('error');
    const unknown = await runCli(['-c', config, 'test', '--provider', 'nope'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown provider "nope"');
    const badTimeout = await runCli(['-c', config, 'test', '--timeout', 'soon'], { cwd: dir });
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain('--timeout');
  });

  describe('killed after sending, then restarted', () => {
    beforeAll(() => setRecipientRule(seed(7).address, { delayMs: 4000 }));
    afterAll(() => clearRecipientRule(seed(7).address));

    /** Starts `inboxwatch test`, and kills it (SIGKILL) the moment every message is recorded as sent. */
    async function killAfterSend(): Promise<string> {
      const child = spawn(process.execPath, [CLI, '-c', config, 'test', '--provider', 'good', '--json'], { cwd: dir, stdio: 'ignore' });
      const db = new Database(`${dir}/inboxwatch.db`, { readonly: true, fileMustExist: false });
      let token: string | undefined;
      try {
        for (let i = 0; i < 200 && token === undefined; i++) {
          await sleep(50);
          const row = db
            .prepare(
              `SELECT t.token, SUM(m.send_status = 'sent') AS sent, COUNT(*) AS n FROM tests t JOIN messages m ON m.test_id = t.id
                WHERE t.status != 'complete' GROUP BY t.id ORDER BY t.id DESC LIMIT 1`,
            )
            .get() as { token: string; sent: number; n: number } | undefined;
          if (row && row.sent === row.n) token = row.token;
        }
      } finally {
        db.close();
      }
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      if (token === undefined) throw new Error('the test never finished sending');
      return token;
    }

    it('completes the test on --resume without sending anything twice', async () => {
      const token = await killAfterSend();

      const resumed = await runCli(['-c', config, 'test', '--resume', '--json'], { cwd: dir });
      expect(resumed.code).toBe(0);
      const reports = JSON.parse(resumed.stdout) as TestReport[];
      expect(reports).toHaveLength(1);
      const report = reports[0] as TestReport;
      expect(report.test).toMatchObject({ token, status: 'complete' });
      const seeds = report.providers[0]?.seeds ?? [];
      expect(seeds.map((s) => s.placement)).toEqual(['inbox', 'inbox']);
      const delayed = seeds.find((s) => s.seed === seed(7).address);
      expect(delayed?.latencyMs).toBeGreaterThanOrEqual(3000);

      // A second send would land a second copy (seed7's after the MX's 4 s delay).
      await sleep(4500);
      for (const s of seeds) {
        const n = s.seed === seed(4).address ? 4 : 7;
        expect(await messagesInMailbox(n, 'INBOX', s.messageId)).toHaveLength(1);
      }
      const again = await runCli(['-c', config, 'test', '--resume', '--json'], { cwd: dir });
      expect(JSON.parse(again.stdout)).toEqual([]);
    });

    it('is completed by `inboxwatch serve` starting up after the crash', async () => {
      const token = await killAfterSend();
      const serve = await startServe({ cwd: dir, args: ['-c', config] });
      try {
        let status: string | undefined;
        for (let i = 0; i < 300 && status !== 'complete'; i++) {
          await sleep(100);
          const db = new Database(`${dir}/inboxwatch.db`, { readonly: true });
          status = (db.prepare('SELECT status FROM tests WHERE token = ?').get(token) as { status: string }).status;
          db.close();
        }
        expect(status).toBe('complete');
        expect(serve.log()).toContain('resuming placement tests left unfinished by a process that is gone');
      } finally {
        expect(await serve.stop()).toBe(0);
      }
      const db = new Database(`${dir}/inboxwatch.db`, { readonly: true });
      const rows = db
        .prepare('SELECT m.seed, m.message_id, v.placement FROM messages m JOIN tests t ON t.id = m.test_id JOIN verdicts v ON v.message_id = m.id WHERE t.token = ?')
        .all(token) as Array<{ seed: string; message_id: string; placement: string }>;
      db.close();
      expect(rows.map((r) => r.placement)).toEqual(['inbox', 'inbox']);
      await sleep(4500);
      for (const row of rows) expect(await messagesInMailbox(row.seed === seed(4).address ? 4 : 7, 'INBOX', row.message_id)).toHaveLength(1);
    });
  });
});
