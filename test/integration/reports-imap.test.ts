import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { resolverForRun } from '../../src/node/run-resolver.js';
import { silentLogger } from '../../src/log.js';
import { createReportMailbox } from '../../src/node/reports/mailbox.js';
import { createNodeReportsJob, createReportsRuntime } from '../../src/node/reports/service.js';
import { limitsOf } from '../../src/reports/limits.js';
import { openStore } from '../../src/node/sqlite-store.js';
import type { Sql } from '../../src/store/sql.js';
import { writeFileSync } from 'node:fs';
import { startServe } from '../support/cli.js';
import { aggregateXml, failureReportMessage, gzip, reportMessage, zip } from '../support/reports.js';
import { seed, world } from '../world/context.js';
import { soleOwner } from '../support/owner.js';

// seed21 is this file's own: the DMARC report mailbox (reports.test's rua points at it).
const MAILBOX = 21;

async function deliver(raw: string): Promise<void> {
  const lmtp = nodemailer.createTransport({ host: world().lmtp.host, port: world().lmtp.port, lmtp: true });
  try {
    const info = await lmtp.sendMail({ envelope: { from: 'noreply-dmarc@example.net', to: [seed(MAILBOX).address] }, raw });
    expect(info.rejected).toEqual([]);
  } finally {
    lmtp.close();
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the report mailbox over IMAP (Dovecot)', () => {
  let config: Config;
  let db: Sql;
  const address = () => seed(MAILBOX).address;
  const xml = (id: string) => aggregateXml({ reportId: id, records: [{ ip: '203.0.113.7', count: 12, dkimResults: [{ domain: 'reports.test', selector: 's1', result: 'pass' }] }] });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iw-reports-imap-'));
    config = configSchema.parse({
      database: join(dir, 'inboxwatch.db'),
      dns: { servers: [world().dns.server], timeoutMs: 1000, tries: 2 },
      // A one-minute poll: anything read sooner was noticed through IDLE.
      reports: { imap: { host: world().imap.host, port: world().imap.port, secure: false, user: address(), pass: seed(MAILBOX).password }, pollInterval: '60s' },
    });
    db = await openStore(config.database);
  });
  afterAll(() => db.close());

  const deps = () => ({ config: config.reports, db, log: silentLogger, resolver: resolverForRun(config.dns), limits: limitsOf(config.reports), now: Date.now });
  const stored = async (id: string) => db.first<{ received_at: number }>('SELECT received_at FROM dmarc_reports WHERE report_id = ?', [id]);

  it('stores a mailed report moments after delivery, through IDLE', async () => {
    const mailbox = createReportMailbox(deps());
    try {
      mailbox.watch();
      // Let the first pass finish and IDLE begin.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const sentAt = Date.now();
      await deliver(reportMessage(address(), { name: 'example.net!reports.test!1767225600!1767311999.xml.gz', bytes: gzip(xml('idle-1')) }, 'idle-1'));
      const row = await until('the report to be stored', () => stored('idle-1'), 10_000);
      expect(row.received_at - sentAt).toBeLessThan(3000);
      await deliver(failureReportMessage(address()));
      await until('the failure report', () => db.first('SELECT id FROM failure_reports'), 10_000);
      await deliver('From: someone@example.net\r\nSubject: hello\r\n\r\nNot a report at all.\r\n');
      const rejected = await until('the junk message to be rejected', () => db.first<{ name: string; error: string; kept: number }>("SELECT name, error, content IS NOT NULL AS kept FROM report_intake WHERE status = 'rejected'"), 10_000);
      expect(rejected.name).toMatch(/^imap:INBOX\/\d+$/);
      expect(rejected.error).toMatch(/not a report/);
      expect(rejected.kept).toBe(1);
    } finally {
      await mailbox.close();
    }
  });

  it('after a restart reads only what arrived meanwhile; a report mailed twice is stored once', async () => {
    await deliver(reportMessage(address(), { name: 'again.zip', bytes: zip('again.xml', xml('idle-1')), contentType: 'application/zip' }, 'again'));
    const mailbox = createReportMailbox(deps());
    try {
      const outcomes = await mailbox.pass();
      expect(outcomes.map((o) => [o.status, o.reportId])).toEqual([['duplicate', 'idle-1']]);
      expect(await mailbox.pass()).toEqual([]);
    } finally {
      await mailbox.close();
    }
    expect((await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM dmarc_reports'))?.n).toBe(1);
  });

  it('skips a message too large to hold an acceptable report without downloading it, and reads on past it', async () => {
    const small = { ...config.reports, limits: { ...config.reports.limits, maxCompressed: 4000 } };
    await deliver(`From: someone@example.net\r\nSubject: huge\r\n\r\n${'x'.repeat(76).concat('\r\n').repeat(200)}`);
    await deliver(reportMessage(address(), { name: 'small.xml.gz', bytes: gzip(xml('after-big')) }, 'after-big'));
    const intake = async () => (await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM report_intake'))?.n ?? -1;
    const before = await intake();
    const mailbox = createReportMailbox({ ...deps(), config: small, limits: limitsOf(small) });
    try {
      const outcomes = await mailbox.pass();
      expect(outcomes.map((o) => [o.status, o.reportId])).toEqual([['stored', 'after-big']]);
    } finally {
      await mailbox.close();
    }
    // The large message left no trace but the log line: only the report after it was taken in.
    expect(await intake()).toBe(before + 1);
  });

  it('the scheduled job reads the mailbox too, and a wrong password fails the run', async () => {
    await deliver(reportMessage(address(), { name: 'job.xml', bytes: new TextEncoder().encode(xml('job-1')), contentType: 'text/xml' }, 'job-1'));
    const context = { config, db, resolver: resolverForRun(config.dns), log: silentLogger, signal: new AbortController().signal, now: Date.now, owner: soleOwner };
    const reportsJob = createNodeReportsJob(createReportsRuntime());
    const result = await reportsJob.run(context);
    expect(result.summary).toBe('1 reports stored, 0 duplicates, 0 rejected');
    const wrong = { ...config, reports: { ...config.reports, imap: { ...config.reports.imap!, pass: 'wrong-password' } } };
    await expect(reportsJob.run({ ...context, config: wrong })).rejects.toThrow(/could not read mailbox INBOX: .*(Authentication|login)/i);
  });

  it('under serve: the mailbox is watched and uploads are taken over HTTP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iw-reports-serve-'));
    const token = 'admin-token-reports-0123';
    writeFileSync(
      join(dir, 'inboxwatch.yaml'),
      [
        `database: ${join(dir, 'inboxwatch.db')}`,
        `dns: { servers: ["${world().dns.server}"], timeoutMs: 1000, tries: 2 }`,
        'server:',
        `  tokens: [{ name: ops, token: "${token}", role: admin }]`,
        'reports:',
        `  imap: { host: ${world().imap.host}, port: ${world().imap.port}, secure: false, user: "${address()}", pass: "\${REPORT_PASS}" }`,
        '  pollInterval: 60s',
        '',
      ].join('\n'),
    );
    const server = await startServe({ cwd: dir, env: { REPORT_PASS: seed(MAILBOX).password } });
    try {
      const headers = { authorization: `Bearer ${token}` };
      await deliver(reportMessage(address(), { name: 'serve.xml.gz', bytes: gzip(xml('serve-1')) }, 'serve-1'));
      const listed = await until(
        'serve to store the mailed report',
        async () => {
          const body = (await (await fetch(`${server.url}/api/reports?from=0`, { headers })).json()) as { aggregate: Array<{ reportId: string }> };
          return body.aggregate.some((r) => r.reportId === 'serve-1') ? body : undefined;
        },
        15_000,
      );
      expect(listed.aggregate.map((r) => r.reportId)).toContain('serve-1');
      const upload = await fetch(`${server.url}/api/reports?name=upload.zip`, { method: 'POST', headers, body: zip('u.xml', xml('upload-1')) });
      expect(upload.status).toBe(200);
      expect(await upload.json()).toMatchObject({ files: [{ file: 'upload.zip', status: 'stored', reportId: 'upload-1' }] });
      expect(server.log()).not.toContain(seed(MAILBOX).password);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
