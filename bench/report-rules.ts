// What the DMARC report alert rules cost per evaluation on a year of history, beside a baseline in the same run.
// One domain, 365 report days with 300 steady sources a day (plus occasional failures), and on the newest day 2,000
// sources never seen before, each failing DMARC: a spoofing campaign from a botnet.
//   rule facts  — loadDmarcFacts() as the engine calls it for dmarc_new_source (7d window, 30d lookback),
//                 dmarc_pass_rate_below (1d) and reports_stopped: the indexed queries, one seek per failing source;
//   baseline    — one GROUP BY over all the domain's rows asking each source's first day (how new sources were
//                 found before migration 0016's index): it reads all of the domain's history every time.
// Both find the same 2,000 new failing sources (checked). Run: npx tsx bench/report-rules.ts [days] [steady] [new]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dmarcNeeds, loadDmarcFacts } from '../src/alerts/report-facts.js';
import { sourceWindowKey } from '../src/alerts/rule-facts.js';
import { configSchema } from '../src/config/schema.js';
import { openStore } from '../src/node/sqlite-store.js';
import type { Statement } from '../src/store/sql.js';

const DAYS = Number(process.argv[2] ?? 365);
const STEADY = Number(process.argv[3] ?? 300);
const NEW = Number(process.argv[4] ?? 2000);
const ROUNDS = 20;
const DAY = 86_400_000;
const NEWEST = Date.UTC(2026, 10, 29);

const dir = await mkdtemp(join(tmpdir(), 'iw-bench-report-rules-'));
const db = await openStore(join(dir, 'bench.db'));
try {
  const row = (report: number, day: number, ip: string, count: number, pass: boolean): Statement => ({
    sql: `INSERT INTO dmarc_rows (report, domain, day, source_ip, count, disposition, dkim_aligned, spf_aligned, header_from) VALUES (?, 'example.com', ?, ?, ?, 'none', ?, ?, 'example.com')`,
    params: [report, day, ip, count, pass ? 'pass' : 'fail', pass ? 'pass' : 'fail'],
  });
  for (let d = 0; d < DAYS; d++) {
    const day = NEWEST - (DAYS - 1 - d) * DAY;
    const report = d + 1;
    const statements: Statement[] = [
      {
        sql: `INSERT INTO dmarc_reports (id, org, report_id, domain, begin_at, end_at, schema, records, messages, received_at) VALUES (?, 'google.com', ?, 'example.com', ?, ?, 'rfc7489', ?, 0, ?)`,
        params: [report, `r${d}`, day, day + DAY - 1, STEADY, day + DAY + 3_600_000],
      },
    ];
    for (let s = 0; s < STEADY; s++) statements.push(row(report, day, `198.18.${s >> 8}.${s & 255}`, 20, s % 50 !== 0));
    if (d === DAYS - 1) for (let s = 0; s < NEW; s++) statements.push(row(report, day, `203.0.${s >> 8}.${s & 255}`, 12, false));
    await db.batch(statements);
  }
  const rows = (await db.first<{ n: number }>('SELECT COUNT(*) AS n FROM dmarc_rows'))?.n ?? 0;
  const rules = configSchema.parse({ alerts: { rules: [{ type: 'dmarc_new_source' }, { type: 'dmarc_pass_rate_below', threshold: 0.9 }, { type: 'reports_stopped' }] } }).alerts.rules;
  const needs = dmarcNeeds(rules, 'dmarc@example.com');
  const now = NEWEST + 2 * DAY;

  const ruleFacts = async () => {
    const facts = await loadDmarcFacts(db, needs, now);
    const [domain] = facts.sources.get(sourceWindowKey(7 * DAY, 30 * DAY)) ?? [];
    return domain?.sources.filter((s) => s.failed >= 10 && s.seenBefore === null).length ?? 0;
  };
  const baseline = async () => {
    const found = await db.all<{ ip: string }>(
      `SELECT source_ip AS ip FROM dmarc_rows WHERE domain = 'example.com' GROUP BY source_ip
       HAVING MIN(day) >= ? AND SUM(CASE WHEN dkim_aligned = 'pass' OR spf_aligned = 'pass' THEN 0 ELSE count END) >= 10`,
      [NEWEST - 6 * DAY],
    );
    return found.length;
  };
  const time = async (work: () => Promise<number>) => {
    await work();
    const started = performance.now();
    let found = 0;
    for (let i = 0; i < ROUNDS; i++) found = await work();
    return { ms: (performance.now() - started) / ROUNDS, found };
  };
  const facts = await time(ruleFacts);
  const scan = await time(baseline);
  if (facts.found !== NEW || scan.found !== NEW) throw new Error(`expected ${NEW} new failing sources, found ${facts.found} (rule facts) and ${scan.found} (baseline)`);
  console.log(`${rows} rows over ${DAYS} days; ${NEW} new failing sources on the newest day; ${ROUNDS} rounds each`);
  console.log(`rule facts (indexed, all three rules): ${facts.ms.toFixed(1)} ms per evaluation`);
  console.log(`baseline (scan of the domain's rows): ${scan.ms.toFixed(1)} ms per evaluation`);
  console.log(`rule facts / baseline: ${(facts.ms / scan.ms).toFixed(2)}`);
} finally {
  await db.close();
  await rm(dir, { recursive: true, force: true });
}
