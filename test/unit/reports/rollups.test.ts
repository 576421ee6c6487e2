import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '../../../src/node/sqlite-migrate.js';
import { openSqlite } from '../../../src/node/sqlite-store.js';
import { passRateByDay, reportDomains, sourcesFor, storeAggregate, storeTls } from '../../../src/reports/store.js';
import type { AggregateRecord, AggregateReport } from '../../../src/reports/types.js';
import type { Sql } from '../../../src/store/sql.js';

// The report roll-ups of migration 0022 against the same sums over the raw report rows, for reports spanning
// several days (their counts shared out per day), duplicates, TLS-only domains, and roll-ups built from
// reports stored before the migration.

const DAY = 86_400_000;
const START = Date.UTC(2026, 9, 1);
const DOMAINS = ['example.com', 'example.net', 'example.org'];
const IPS = Array.from({ length: 12 }, (_, i) => `198.51.100.${i + 1}`);

function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function reports(): AggregateReport[] {
  const rand = random(11);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)] as T;
  return Array.from({ length: 120 }, (_, n) => {
    const domain = pick(DOMAINS.slice(0, 2));
    // Most reports cover a day; some cover three, starting mid-day, so their rows are shared over four days.
    const begin = START + Math.floor(rand() * 40) * DAY + (n % 5 === 0 ? 13 * 3_600_000 : 0);
    const end = begin + (n % 5 === 0 ? 3 * DAY : DAY - 1_000);
    const records: AggregateRecord[] = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => {
      const dkim = pick(['pass', 'fail', 'none']);
      const spf = pick(['pass', 'fail', 'softfail']);
      return {
        sourceIp: pick(IPS),
        count: Math.floor(rand() * 50),
        disposition: pick(['none', 'none', 'quarantine', 'reject']),
        dkimAligned: dkim,
        spfAligned: spf,
        overrides: rand() < 0.2 ? [{ type: pick(['forwarded', 'mailing_list', 'local_policy']), comment: null }] : [],
        headerFrom: domain,
        envelopeFrom: null,
        envelopeTo: null,
        dkim: [{ domain, selector: 's1', result: dkim }],
        spf: [{ domain, scope: 'mfrom', result: spf }],
      };
    });
    return {
      kind: 'aggregate',
      schema: 'rfc7489',
      org: pick(['google.com', 'Yahoo', 'Outlook.com']),
      email: null,
      reportId: `r${n}`,
      begin,
      end,
      generator: null,
      errors: [],
      policy: { domain, adkim: null, aspf: null, p: 'none', sp: null, np: null, pct: null, fo: null, testing: null, discoveryMethod: null },
      records,
    };
  });
}

async function storeAll(db: Sql): Promise<void> {
  const all = reports();
  for (const [i, report] of all.entries()) await storeAggregate(db, report, report.end + 3_600_000 + i);
  // Sent twice: stored once, and counted once.
  for (const report of all.slice(0, 10)) expect((await storeAggregate(db, report, report.end + 7_200_000)).status).toBe('duplicate');
  await storeTls(
    db,
    {
      kind: 'tls',
      org: 'google.com',
      email: null,
      reportId: 'tls-1',
      begin: START,
      end: START + DAY,
      policies: [{ policyType: 'sts', policyDomain: 'example.org', mxHosts: ['mx.example.org'], successfulSessions: 40, failedSessions: 2, failures: [] }],
    },
    START + 2 * DAY,
  );
}

const PASSED = "(dkim_aligned = 'pass' OR spf_aligned = 'pass')";

/** The answers summed over the raw rows, as the store answered before the roll-ups. */
async function fromRows(db: Sql, domain: string, from: number, to: number) {
  const sources = await db.all(
    `SELECT r.source_ip AS ip, SUM(r.count) AS messages, SUM(CASE WHEN ${PASSED} THEN r.count ELSE 0 END) AS passed,
       SUM(CASE WHEN r.spf_aligned <> 'pass' THEN r.count ELSE 0 END) AS spfFailed, SUM(CASE WHEN r.dkim_aligned <> 'pass' THEN r.count ELSE 0 END) AS dkimFailed,
       SUM(CASE WHEN r.disposition = 'quarantine' THEN r.count ELSE 0 END) AS quarantined, SUM(CASE WHEN r.disposition = 'reject' THEN r.count ELSE 0 END) AS rejected,
       SUM(CASE WHEN r.overrides <> '[]' THEN r.count ELSE 0 END) AS overridden,
       SUM(CASE WHEN NOT ${PASSED} AND r.disposition <> 'reject' THEN r.count ELSE 0 END) AS wouldReject
     FROM dmarc_rows r WHERE r.domain = ? AND r.day >= ? AND r.day < ? GROUP BY r.source_ip ORDER BY messages DESC, r.source_ip`,
    [domain, from, to],
  );
  const days = await db.all(
    `SELECT day, SUM(count) AS messages, SUM(CASE WHEN ${PASSED} THEN count ELSE 0 END) AS passed FROM dmarc_rows WHERE domain = ? AND day >= ? AND day < ? GROUP BY day ORDER BY day`,
    [domain, from, to],
  );
  return { sources, days };
}

async function expectRowSums(db: Sql): Promise<void> {
  const ranges: Array<[number, number]> = [
    [START, START + 7 * DAY],
    [START + 12 * DAY, START + 13 * DAY],
    [START - 5 * DAY, START + 60 * DAY],
    [START + 50 * DAY, START + 90 * DAY],
  ];
  for (const [from, to] of ranges) {
    for (const domain of DOMAINS) {
      const raw = await fromRows(db, domain, from, to);
      const sources = (await sourcesFor(db, { domain, from, to })).map(({ ip, messages, passed, spfFailed, dkimFailed, quarantined, rejected, overridden, wouldReject }) => ({
        ip, messages, passed, spfFailed, dkimFailed, quarantined, rejected, overridden, wouldReject,
      }));
      expect(sources, `${domain} ${from}`).toEqual(raw.sources);
      expect(await passRateByDay(db, { domain, from, to }), `${domain} ${from}`).toEqual(raw.days);
    }
    const domains = await reportDomains(db, { from, to });
    const counted = await db.all<{ domain: string; reports: number; last: number }>('SELECT domain, COUNT(*) AS reports, MAX(received_at) AS last FROM dmarc_reports GROUP BY domain');
    const expected = await Promise.all(
      DOMAINS.map(async (domain) => {
        const c = counted.find((x) => x.domain === domain);
        const days = (await fromRows(db, domain, from, to)).days as Array<{ messages: number; passed: number }>;
        return {
          domain,
          aggregateReports: c?.reports ?? 0,
          tlsReports: domain === 'example.org' ? 1 : 0,
          lastReceivedAt: c?.last ?? START + 2 * DAY,
          messages: days.reduce((sum, d) => sum + d.messages, 0),
          passed: days.reduce((sum, d) => sum + d.passed, 0),
        };
      }),
    );
    expect(domains).toEqual(expected);
  }
}

let db: Sql | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await db?.close();
  db = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('report roll-ups', () => {
  it('answer as the sums over the raw report rows, multi-day reports and duplicates included', async () => {
    db = openSqlite(':memory:');
    await migrate(db);
    await storeAll(db);
    // The generated reports really do carry every kind of row the sums tell apart, and some span several days.
    const kinds = await db.first<Record<string, number>>(
      "SELECT SUM(overrides <> '[]') AS overridden, SUM(disposition = 'reject') AS rejected, SUM(disposition = 'quarantine') AS quarantined, SUM(count = 0) AS empty FROM dmarc_rows",
    );
    for (const [kind, n] of Object.entries(kinds ?? {})) expect(n, kind).toBeGreaterThan(0);
    expect(await db.first('SELECT COUNT(*) AS n FROM (SELECT report FROM dmarc_rows GROUP BY report HAVING COUNT(DISTINCT day) > 1)')).toEqual({ n: 24 });
    await expectRowSums(db);
  });

  it('follow a report deleted with its rows', async () => {
    db = openSqlite(':memory:');
    await migrate(db);
    await storeAll(db);
    const sourceDays = async () => (await db?.first<{ n: number }>('SELECT COUNT(*) AS n FROM dmarc_source_daily'))?.n ?? 0;
    const before = await sourceDays();
    await db.run("DELETE FROM dmarc_rows WHERE report IN (SELECT id FROM dmarc_reports WHERE report_id IN ('r3', 'r5', 'r10'))");
    await db.run("DELETE FROM dmarc_reports WHERE report_id IN ('r3', 'r5', 'r10')");
    // Some source days lost every row they had, and went with them.
    expect(await sourceDays()).toBeLessThan(before);
    await expectRowSums(db);
  });

  it('are built from the reports already stored when the migration runs', async () => {
    const earlier = mkdtempSync(join(tmpdir(), 'inboxwatch-migrations-'));
    dirs.push(earlier);
    for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < '0022')) copyFileSync(join(MIGRATIONS_DIR, name), join(earlier, name));
    db = openSqlite(':memory:');
    await migrate(db, earlier);
    await storeAll(db);
    expect(await migrate(db)).toContain('0022_report_rollups.sql');
    await expectRowSums(db);
  });
});
