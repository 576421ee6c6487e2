// Parses and stores 1,000 DMARC aggregate reports holding 100,000 records in all, and parses the same files with
// the npm `dmarc-report-parser` package (xml2js + zod), in the same run:
//   inboxwatch parse        — decodeReport() on each file: content sniffing, XML (entities off), normalisation;
//   inboxwatch parse+store  — ingest() into a fresh SQLite file: the above plus SHA-256, de-duplication, per-day rows,
//                             selectors, the intake log and source enrichment (answered in-process: no DNS in the figure);
//   dmarc-report-parser     — parseDmarcReportsFromXml() on the same buffers (parse only, as the package offers).
// Each contender first warms up on 50 other files, so one round is not a measure of the JIT.
// Run: npx tsx bench/reports.ts [rounds] [reports] [records-per-report]   (defaults: 1 round, 1000 reports, 100 records)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDmarcReportsFromXml } from 'dmarc-report-parser';
import type { Resolver } from '../src/dns/types.js';
import { silentLogger } from '../src/log.js';
import { decodeReport } from '../src/reports/decode-report.js';
import { ingest } from '../src/reports/ingest.js';
import { DEFAULT_LIMITS } from '../src/config/report-limits.js';
import { openStore } from '../src/node/sqlite-store.js';
import { aggregateXml, type RecordSpec } from '../test/support/reports.js';

const ROUNDS = Number(process.argv[2] ?? 1);
const REPORTS = Number(process.argv[3] ?? 1000);
const RECORDS = Number(process.argv[4] ?? 100);
const DISTINCT_IPS = 2000;
// No <reason> elements: dmarc-report-parser 0.1.5's schema rejects every report that has one.

function record(i: number): RecordSpec {
  const ip = `198.18.${(i % DISTINCT_IPS) >> 8}.${(i % DISTINCT_IPS) & 255}`;
  const failing = i % 10 === 0;
  return {
    ip,
    count: 1 + (i % 50),
    dkim: failing ? 'fail' : 'pass',
    spf: failing ? 'fail' : 'pass',
    disposition: failing ? 'quarantine' : 'none',
    dkimResults: [{ domain: `bench${i % 7}.test`, selector: `s${i % 3}`, result: failing ? 'fail' : 'pass' }],
    spfResults: [{ domain: `bench${i % 7}.test`, scope: 'mfrom', result: failing ? 'softfail' : 'pass' }],
  };
}

function makeFiles(count: number, prefix: string): Buffer[] {
  const made: Buffer[] = [];
  for (let r = 0; r < count; r++) made.push(Buffer.from(reportXml(r, prefix)));
  return made;
}

const day = 1767225600;
function reportXml(r: number, prefix: string): string {
  return aggregateXml({
    org: `org${r % 20}.example`,
    reportId: `${prefix}-${r}`,
    domain: `bench${r % 7}.test`,
    begin: String(day + r * 60),
    end: String(day + r * 60 + 86_399),
    records: Array.from({ length: RECORDS }, (_, i) => record(r * RECORDS + i)),
  });
}

const files = makeFiles(REPORTS, 'bench');
const warmUp = makeFiles(50, 'warm-up');
const totalRecords = REPORTS * RECORDS;
const megabytes = files.reduce((sum, f) => sum + f.length, 0) / 1024 / 1024;

const nxdomain: Resolver = {
  async query(name, type) {
    return { name, type, status: 'nxdomain', records: [], ttl: undefined };
  },
};

async function time(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const results: Record<string, number[]> = { 'inboxwatch parse': [], 'inboxwatch parse+store': [], 'dmarc-report-parser': [] };
const dir = await mkdtemp(join(tmpdir(), 'inboxwatch-bench-reports-'));
try {
  for (const file of warmUp) decodeReport(file, DEFAULT_LIMITS);
  await parseDmarcReportsFromXml(warmUp);
  const warmDb = await openStore(join(dir, 'warm-up.db'));
  for (let i = 0; i < warmUp.length; i++) await ingest({ db: warmDb, resolver: nxdomain, log: silentLogger, limits: DEFAULT_LIMITS, now: Date.now }, { name: `warm-${i}`, source: 'cli', bytes: warmUp[i] as Buffer });
  await warmDb.close();
  for (let round = 0; round < ROUNDS; round++) {
    results['inboxwatch parse']?.push(
      await time(async () => {
        let records = 0;
        for (const file of files) {
          const report = decodeReport(file, DEFAULT_LIMITS);
          if (report.kind === 'aggregate') records += report.records.length;
        }
        if (records !== totalRecords) throw new Error(`inboxwatch parsed ${records} records, expected ${totalRecords}`);
      }),
    );
    results['dmarc-report-parser']?.push(
      await time(async () => {
        const parsed = await parseDmarcReportsFromXml(files);
        const records = parsed.reports.reduce((sum, report) => sum + report.record.length, 0);
        if (records !== totalRecords) throw new Error(`dmarc-report-parser parsed ${records} records, expected ${totalRecords}`);
      }),
    );
    const db = await openStore(join(dir, `round-${round}.db`));
    try {
      const deps = { db, resolver: nxdomain, log: silentLogger, limits: DEFAULT_LIMITS, now: Date.now };
      results['inboxwatch parse+store']?.push(
        await time(async () => {
          for (let i = 0; i < files.length; i++) {
            const outcome = await ingest(deps, { name: `bench-${i}.xml`, source: 'cli', bytes: files[i] as Buffer });
            if (outcome.status !== 'stored') throw new Error(`report ${i}: ${outcome.status} ${outcome.error ?? ''}`);
          }
        }),
      );
      const stored = await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM dmarc_rows');
      if (stored?.n !== totalRecords) throw new Error(`stored ${stored?.n} rows, expected ${totalRecords}`);
    } finally {
      await db.close();
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

const best = (name: string) => Math.min(...(results[name] ?? [Number.NaN]));
const baseline = best('dmarc-report-parser');
console.log(`${REPORTS} aggregate reports, ${totalRecords} records, ${megabytes.toFixed(1)} MiB of XML; best of ${ROUNDS} rounds (Node ${process.versions.node})`);
console.log('                          seconds   reports/s   records/s   vs dmarc-report-parser');
for (const name of Object.keys(results)) {
  const s = best(name);
  console.log(`${name.padEnd(24)} ${s.toFixed(2).padStart(8)} ${Math.round(REPORTS / s).toString().padStart(11)} ${Math.round(totalRecords / s).toString().padStart(11)}   ${(baseline / s).toFixed(2)}×`);
}
