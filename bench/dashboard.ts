// One year of history, then each dashboard view's API calls under 16 concurrent clients, against the floor of
// the same app answering /healthz (one trivial query) at the same concurrency in the same run.
//   placement:  10 providers × 25 seeds × 4 tests a day (365,000 verdicts)
//   blocklists: 200 targets × 20 lists swept every 30 minutes, stored as transitions (the status matrix plus events)
//   audits:     20 domains audited hourly (175,200 audits with 8 checks each), a record change a week per domain
//   alerts:     an incident every 12 hours on average, fired and resolved, each notified on two channels
//   reports:    a DMARC aggregate report a day from each of 5 receivers for each of the 20 domains
//               (36,500 reports, 10 source rows each), stored as the reports store stores them
// 'alone' is one client's median (the work a request costs); p50/p95 are under 16 clients, where requests queue
// (better-sqlite3 answers one query at a time). Each view is measured twice: with every request computing its
// answer, and with the answers kept per data version as `serve` keeps them (no writes during the run, so after
// the first request the others are served from memory: the best case, beside the worst).
// Run: npx tsx bench/dashboard.ts [requests per endpoint] [days]   (defaults: 320 requests, 365 days)
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createApp } from '../src/api/app.js';
import { silentLogger } from '../src/log.js';
import { migrate, MIGRATIONS_DIR } from '../src/node/sqlite-migrate.js';
import { openSqlite, openStore } from '../src/node/sqlite-store.js';
import { storeAggregate } from '../src/reports/store.js';
import type { AggregateReport } from '../src/reports/types.js';
import type { Sql } from '../src/store/sql.js';

const REQUESTS = Number(process.argv[2] ?? 320);
const DAYS = Number(process.argv[3] ?? 365);
const CLIENTS = 16;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 30, 12);
const START = NOW - DAYS * DAY;

const PROVIDERS = Array.from({ length: 10 }, (_, i) => `provider-${i}`);
const MAILBOX = ['gmail', 'outlook', 'yahoo', 'icloud', 'other'];
const SEEDS = Array.from({ length: 25 }, (_, i) => ({ seed: `seed${i}@seeds.test`, mbp: MAILBOX[i % MAILBOX.length] as string }));
const TARGETS = Array.from({ length: 200 }, (_, i) => (i < 150 ? `198.51.${Math.floor(i / 250)}.${i % 250}` : `domain-${i}.example`));
const ZONES = Array.from({ length: 20 }, (_, i) => `list-${i}.bl.test`);
const DOMAINS = Array.from({ length: 20 }, (_, i) => `domain-${i}.example`);
const PLACEMENTS = ['inbox', 'inbox', 'inbox', 'inbox', 'inbox', 'inbox', 'promotions', 'spam', 'missing', 'inbox'];

/** A cheap deterministic generator, so every run stores the same history. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function generate(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const rand = random(42);
  const test = db.prepare("INSERT INTO tests (token, trigger, started_at, deadline_at, late_after_ms, providers, status, finished_at) VALUES (?, 'schedule', ?, ?, 900000, ?, 'complete', ?)");
  const message = db.prepare(
    "INSERT INTO messages (test_id, provider, seed, mailbox_provider, position, message_id, from_address, send_status, sent_at) VALUES (?, ?, ?, ?, ?, ?, 'news@example.com', 'sent', ?)",
  );
  const verdict = db.prepare(
    `INSERT INTO verdicts (message_id, test_id, test_started_at, provider, seed, mailbox_provider, placement, folder, latency_ms, late, decided_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'INBOX', ?, 0, ?)`,
  );
  db.transaction(() => {
    for (let day = 0; day < DAYS; day++) {
      for (let run = 0; run < 4; run++) {
        const at = START + day * DAY + run * 6 * HOUR;
        const testId = Number(test.run(`bench-${day}-${run}`, at, at + HOUR, JSON.stringify(PROVIDERS), at + HOUR).lastInsertRowid);
        let position = 0;
        for (const provider of PROVIDERS) {
          for (const s of SEEDS) {
            const messageId = Number(message.run(testId, provider, s.seed, s.mbp, position++, `${testId}.${position}@bench`, at + 500).lastInsertRowid);
            const placement = PLACEMENTS[Math.floor(rand() * PLACEMENTS.length)] as string;
            const latency = placement === 'missing' ? null : Math.round(2_000 + rand() * 60_000);
            verdict.run(messageId, testId, at, provider, s.seed, s.mbp, placement, latency, at + (latency ?? HOUR));
          }
        }
      }
    }
  })();

  const status = db.prepare(
    "INSERT INTO blocklist_status (target, zone, list, status, last_known, severity, codes, reason, delist_url, since, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const event = db.prepare('INSERT INTO blocklist_events (at, target, zone, event, from_status, to_status, codes, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const health = db.prepare('INSERT INTO blocklist_health (zone, list, healthy, cause, since, checked_at) VALUES (?, ?, 1, NULL, ?, ?)');
  db.transaction(() => {
    for (const zone of ZONES) health.run(zone, zone, START, NOW);
    for (const target of TARGETS) {
      for (const zone of ZONES) {
        // About one pair in ten is listed now and then: a listing lasting days, a few times a year.
        let listed = false;
        let since = START;
        if (rand() < 0.1) {
          for (let at = START + rand() * 60 * DAY; at < NOW; at += (20 + rand() * 60) * DAY) {
            listed = !listed;
            since = Math.round(at);
            event.run(since, target, zone, listed ? 'listed' : 'delisted', listed ? 'clean' : 'listed', listed ? 'listed' : 'clean', listed ? '127.0.0.2' : '', listed ? 'Listed for spam' : null);
          }
        }
        status.run(target, zone, zone, listed ? 'listed' : 'clean', listed ? 'listed' : 'clean', listed ? 'high' : null, listed ? '127.0.0.2' : '', listed ? 'Listed for spam' : null, listed ? 'https://bl.test/delist' : null, since, NOW);
      }
    }
  })();

  const audit = db.prepare("INSERT INTO audits (domain, started_at, finished_at, worst, pass, warn, fail, error, info) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)");
  const auditCheck = db.prepare('INSERT INTO audit_checks (audit_id, seq, check_id, subject, status, message, remediation, evidence) VALUES (?, ?, ?, NULL, ?, ?, ?, ?)');
  const change = db.prepare("INSERT INTO dns_changes (domain, kind, name, change, before, after, observed_at, audit_id) VALUES (?, 'spf', ?, 'changed', ?, ?, ?, ?)");
  const CHECKS = ['spf.record', 'spf.lookups', 'dkim.key', 'dmarc.present', 'dmarc.policy', 'mx.present', 'mta_sts.policy', 'bimi.record'];
  db.transaction(() => {
    for (let hour = 0; hour < DAYS * 24; hour++) {
      const at = START + hour * HOUR;
      for (const [d, domain] of DOMAINS.entries()) {
        // A domain's SPF breaks for a day every few weeks: the status flips and the record changes.
        const broken = Math.floor(hour / 24 + d) % 23 === 0;
        const id = Number(audit.run(domain, at, at + 1_000, broken ? 'fail' : 'warn', 6, 1, broken ? 1 : 0).lastInsertRowid);
        CHECKS.forEach((check, seq) => {
          const st = check === 'spf.record' && broken ? 'fail' : check === 'dmarc.policy' ? 'warn' : 'pass';
          auditCheck.run(id, seq, check, st, `${check} is ${st}`, st === 'pass' ? null : 'Fix it', '{}');
        });
        if (hour % 24 === 0 && Math.floor(hour / 24 + d) % 23 <= 1) {
          change.run(domain, domain, JSON.stringify(['v=spf1 -all']), JSON.stringify(['v=spf1 include:x -all']), at, id);
        }
      }
    }
  })();
  const incident = db.prepare(
    `INSERT INTO alert_incidents (rule, rule_type, key, severity, state, title, observation, last_fact, started_at, fired_at, resolved_at, last_seen_at, last_notified_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?)`,
  );
  const outbox = db.prepare("INSERT INTO alert_outbox (channel, kind, payload, created_at, status, attempts, next_attempt_at, delivered_at) VALUES (?, 'alert', ?, ?, 'delivered', 1, ?, ?)");
  const attempt = db.prepare('INSERT INTO alert_attempts (outbox_id, at, ok) VALUES (?, ?, 1)');
  const notified = db.prepare('INSERT INTO alert_incident_notifications (incident_id, outbox_id) VALUES (?, ?)');
  // A listing incident every 12 hours on average, resolved 1–21 days later unless that is still to come.
  db.transaction(() => {
    for (let at = START + rand() * DAY; at < NOW - DAY; at += rand() * DAY) {
      const target = TARGETS[Math.floor(rand() * TARGETS.length)] as string;
      const zone = ZONES[Math.floor(rand() * ZONES.length)] as string;
      const firedAt = Math.round(at);
      const clearsAt = firedAt + Math.round((1 + rand() * 20) * DAY);
      const resolvedAt = clearsAt < NOW ? clearsAt : null;
      const title = `LISTED: ${target} on ${zone}`;
      const observation = {
        key: `${target} ${zone}`,
        fact: '',
        state: 'bad',
        title,
        summary: `${target} was listed on ${zone}.`,
        since: firedAt,
        evidence: [{ label: 'return code', value: '127.0.0.2' }],
        actions: ['https://bl.test/delist'],
        link: `/blocklists?target=${target}`,
      };
      const state = resolvedAt === null ? 'firing' : 'resolved';
      const lastAt = resolvedAt ?? firedAt;
      const id = Number(incident.run('listings', 'blocklist_listed', observation.key, 'critical', state, title, JSON.stringify(observation), firedAt, firedAt, resolvedAt, lastAt, lastAt).lastInsertRowid);
      for (const [kind, when] of [['fired', firedAt], ['resolved', resolvedAt]] as const) {
        if (when === null) continue;
        const { key, summary, evidence, actions, link } = observation;
        const item = { kind, incidentId: id, rule: 'listings', ruleType: 'blocklist_listed', severity: 'critical', key, title, summary, since: firedAt, resolvedAt, evidence, actions, link };
        const payload = JSON.stringify({ kind: 'alert', createdAt: when, dashboardUrl: 'http://localhost:8025', items: [item] });
        for (const channel of ['oncall-email', 'ops-webhook']) {
          const outboxId = Number(outbox.run(channel, payload, when, when, when + 800).lastInsertRowid);
          attempt.run(outboxId, when + 800);
          notified.run(id, outboxId);
        }
      }
    }
  })();
  db.close();
}

const ORGS = ['google.com', 'Outlook.com', 'Yahoo', 'comcast.net', 'Mail.Ru'];

/** The IPs that send as domain number `d`: 30 of them, 24 with forward-confirmed reverse DNS. */
const sourcesOf = (d: number) => Array.from({ length: 30 }, (_, i) => `203.0.${d}.${i + 1}`);

/** One receiver's daily aggregate report for one domain: 10 rows, about one in twelve failing DMARC. */
function aggregateReport(rand: () => number, d: number, org: string, begin: number): AggregateReport {
  const domain = DOMAINS[d] as string;
  const pool = sourcesOf(d);
  const records = Array.from({ length: 10 }, (_, r) => {
    const fails = rand() < 0.08;
    const forwarded = fails && rand() < 0.3;
    return {
      sourceIp: pool[Math.floor(rand() * pool.length)] as string,
      count: 1 + Math.floor(rand() * 200),
      disposition: fails && !forwarded ? 'quarantine' : 'none',
      dkimAligned: fails ? 'fail' : 'pass',
      spfAligned: fails || r % 3 === 0 ? 'fail' : 'pass',
      overrides: forwarded ? [{ type: 'forwarded', comment: null }] : [],
      headerFrom: domain,
      envelopeFrom: domain,
      envelopeTo: null,
      dkim: [{ domain, selector: fails ? null : 's1', result: fails ? 'fail' : 'pass' }],
      spf: [{ domain, scope: 'mfrom', result: fails ? 'softfail' : 'pass' }],
    };
  });
  return {
    kind: 'aggregate',
    schema: 'rfc7489',
    org,
    email: `noreply-dmarc@${org.toLowerCase()}`,
    reportId: `${org}-${domain}-${begin}`,
    begin,
    end: begin + DAY - 1_000,
    generator: null,
    errors: [],
    policy: { domain, adkim: 'r', aspf: 'r', p: 'quarantine', sp: null, np: null, pct: 100, fo: null, testing: null, discoveryMethod: null },
    records,
  };
}

/** A year of daily aggregate reports per receiver and domain, through the reports store, with every source enriched. */
async function generateReports(db: Sql): Promise<void> {
  const rand = random(7);
  for (let d = 0; d < DOMAINS.length; d++) {
    for (const [i, ip] of sourcesOf(d).entries()) {
      const esp = i < 24 ? `esp-${i % 4}.example` : null;
      await db.run('INSERT INTO report_sources (ip, status, ptr, fcrdns, base_domain, label, first_seen, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        ip,
        'ok',
        esp && `o${i}.mail.${esp}`,
        esp && 1,
        esp,
        esp && `ESP ${i % 4}`,
        START,
        START,
      ]);
    }
  }
  for (let day = 0; day < DAYS; day++) {
    const begin = START - (START % DAY) + day * DAY;
    for (let d = 0; d < DOMAINS.length; d++) {
      for (const org of ORGS) {
        const report = aggregateReport(rand, d, org, begin);
        await storeAggregate(db, report, report.end + 3 * HOUR);
      }
    }
  }
}

async function measure(app: ReturnType<typeof createApp>, path: string, token: string, clients: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const client = async () => {
    while (next < REQUESTS) {
      next++;
      const started = performance.now();
      const response = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      times.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return times.sort((a, b) => a - b);
}

/** A folder holding the migrations before `cut`: the schema as it was before a roll-up arrived. */
function migrationsBefore(dir: string, cut: string): string {
  const folder = join(dir, `migrations-before-${cut}`);
  mkdirSync(folder);
  for (const name of readdirSync(MIGRATIONS_DIR).filter((n) => n < cut)) copyFileSync(join(MIGRATIONS_DIR, name), join(folder, name));
  return folder;
}

interface WriteCost {
  label: string;
  without: number;
  with: number;
}

/**
 * What the placement roll-ups (migrations 0017 and 0021) cost a write: verdicts stored as the placement store
 * stores them, on a schema with them and one without, in order and then arriving a month late (each late one
 * adds to every later day's running totals of its pair). Microseconds per verdict.
 */
async function verdictCost(dir: string): Promise<WriteCost[]> {
  const before = migrationsBefore(dir, '0017');
  const days = 30;
  const store = async (db: Sql, late: boolean) => {
    let id = late ? 1_000_000 : 0;
    const started = performance.now();
    for (let day = 0; day < (late ? 1 : days); day++) {
      for (let run = 0; run < 4; run++) {
        const at = START + day * DAY + run * 6 * HOUR;
        for (const provider of PROVIDERS) {
          for (const s of SEEDS) {
            id++;
            await db.run("INSERT INTO tests (id, token, trigger, started_at, deadline_at, late_after_ms, providers, status) VALUES (?, ?, 'schedule', ?, ?, 0, '[]', 'complete')", [id, `w${id}`, at, at]);
            await db.run("INSERT INTO messages (id, test_id, provider, seed, mailbox_provider, position, message_id, from_address) VALUES (?, ?, ?, ?, ?, 0, ?, 'a@x.test')", [id, id, provider, s.seed, s.mbp, `w${id}`]);
            await db.run(
              `INSERT OR REPLACE INTO verdicts (message_id, test_id, test_started_at, provider, seed, mailbox_provider, placement, latency_ms, late, decided_at) VALUES (?, ?, ?, ?, ?, ?, 'inbox', ?, 0, ?)`,
              [id, id, at, provider, s.seed, s.mbp, 2_000 + (id % 60) * 1_000, at],
            );
          }
        }
      }
    }
    return ((performance.now() - started) * 1000) / ((late ? 1 : days) * 4 * PROVIDERS.length * SEEDS.length);
  };
  const results = { inOrder: { without: 0, with: 0 }, late: { without: 0, with: 0 } };
  for (const [key, migrations] of [['without', before], ['with', MIGRATIONS_DIR]] as const) {
    const db = openSqlite(':memory:');
    await migrate(db, migrations);
    results.inOrder[key] = await store(db, false);
    results.late[key] = await store(db, true);
    await db.close();
  }
  return [
    { label: 'a verdict in order (0017, 0021)', ...results.inOrder },
    { label: `a verdict ${days} days late (0017, 0021)`, ...results.late },
  ];
}

/** What the report roll-ups (migration 0022) cost a write: 30 days of the generated reports. Microseconds per report. */
async function reportCost(dir: string): Promise<WriteCost> {
  const before = migrationsBefore(dir, '0022');
  const days = 30;
  const cost = { without: 0, with: 0 };
  for (const [key, migrations] of [['without', before], ['with', MIGRATIONS_DIR]] as const) {
    const db = openSqlite(':memory:');
    await migrate(db, migrations);
    const rand = random(7);
    const started = performance.now();
    for (let day = 0; day < days; day++) {
      for (let d = 0; d < DOMAINS.length; d++) {
        for (const org of ORGS) await storeAggregate(db, aggregateReport(rand, d, org, START + day * DAY), NOW);
      }
    }
    cost[key] = ((performance.now() - started) * 1000) / (days * DOMAINS.length * ORGS.length);
    await db.close();
  }
  return { label: 'an aggregate report of 10 rows (0022)', ...cost };
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

// BENCH_DB=/path/file.db keeps the generated history for the next run (generated only when the file is new).
const keep = process.env.BENCH_DB;
const dir = await mkdtemp(join(tmpdir(), 'inboxwatch-bench-dashboard-'));
try {
  const file = keep ?? join(dir, 'bench.db');
  let started = performance.now();
  if (!keep || !existsSync(keep)) {
    await (await openStore(file)).close();
    generate(file);
    const store = await openStore(file);
    await generateReports(store);
    await store.close();
    console.log(`generated ${DAYS} days of history in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const db = await openStore(file);
  const counts = await db.first<Record<string, number>>(
    `SELECT (SELECT COUNT(*) FROM verdicts) AS verdicts, (SELECT COUNT(*) FROM placement_daily) AS daily, (SELECT COUNT(*) FROM audits) AS audits,
            (SELECT COUNT(*) FROM audit_checks) AS checks, (SELECT COUNT(*) FROM blocklist_events) AS events, (SELECT COUNT(*) FROM audit_status_changes) AS statusChanges,
            (SELECT COUNT(*) FROM alert_incidents) AS incidents, (SELECT COUNT(*) FROM dmarc_reports) AS reports, (SELECT COUNT(*) FROM dmarc_rows) AS reportRows`,
  );
  console.log('rows:', JSON.stringify(counts));
  const token = 'bench-token-0123456789abcdef';
  const options = { db, tokens: [{ name: 'bench', token, role: 'admin' as const }], jobs: [], log: silentLogger, now: () => NOW };
  const app = createApp(options);
  const cachedApp = createApp({ ...options, dataVersion: db.dataVersion });
  const range = (days: number) => `from=${NOW - days * DAY}&to=${NOW}`;
  const lastTest = (await db.first<{ id: number }>('SELECT MAX(id) AS id FROM tests'))?.id;
  const lastIncident = (await db.first<{ id: number }>('SELECT MAX(id) AS id FROM alert_incidents'))?.id;
  const views: Array<[view: string, path: string]> = [
    ['floor', '/healthz'],
    ['overview 7d', `/api/overview?${range(7)}`],
    ['overview 90d', `/api/overview?${range(90)}`],
    ['providers 24h', `/api/providers?${range(1)}`],
    ['providers 30d', `/api/providers?${range(30)}`],
    ['providers 90d', `/api/providers?${range(90)}`],
    ['timeline 90d', `/api/timeline?${range(90)}`],
    ['timeline 365d', `/api/timeline?${range(365)}`],
    ['tests list', '/api/tests?limit=50'],
    ['test page', `/api/tests/${lastTest}`],
    ['domains', '/api/domains/cards'],
    ['domain 90d', `/api/domains/domain-3.example?${range(90)}`],
    ['blocklists matrix', '/api/blocklists'],
    ['blocklist history 365d', `/api/blocklists/history?target=198.51.0.7&${range(365)}`],
    ['alerts 90d', `/api/alerts?${range(90)}&limit=500`],
    ['incident page', `/api/alerts/${lastIncident}`],
    ['report domains 90d', `/api/reports/domains?${range(90)}`],
    ['reports list 30d', `/api/reports?${range(30)}`],
    ['rejected files 30d', `/api/reports/rejected?${range(30)}`],
    ['report sources 90d', `/api/reports/sources?domain=domain-3.example&${range(90)}`],
    ['report daily 90d', `/api/reports/daily?domain=domain-3.example&${range(90)}`],
    ['reports of domain 90d', `/api/reports?domain=domain-3.example&${range(90)}`],
    ['settings', '/api/settings'],
  ];
  started = performance.now();
  const results: Array<{ view: string; alone: number; p50: number; p95: number; cachedP95: number }> = [];
  for (const [view, path] of views) {
    const alone = await measure(app, path, token, 1); // also warms the statement and page caches
    const times = await measure(app, path, token, CLIENTS);
    const cached = await measure(cachedApp, path, token, CLIENTS);
    results.push({ view, alone: quantile(alone, 0.5), p50: quantile(times, 0.5), p95: quantile(times, 0.95), cachedP95: quantile(cached, 0.95) });
  }
  const floor = results[0]?.p95 ?? NaN;
  console.log(`\n${CLIENTS} concurrent clients, ${REQUESTS} requests per endpoint (measured in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  console.log('                           computed every time                      kept per data version');
  console.log('view                       alone p50   p50 ms   p95 ms   p95 / floor   p95 ms   p95 / floor');
  for (const r of results) {
    console.log(
      `${r.view.padEnd(26)} ${r.alone.toFixed(1).padStart(9)}  ${r.p50.toFixed(1).padStart(7)}  ${r.p95.toFixed(1).padStart(7)}   ${(r.p95 / floor).toFixed(1).padStart(8)}×  ${r.cachedP95.toFixed(1).padStart(7)}   ${(r.cachedP95 / floor).toFixed(1).padStart(8)}×`,
    );
  }
  const slow = (key: 'p95' | 'cachedP95') => results.filter((r) => r[key] >= 50).map((r) => r.view);
  for (const [label, key] of [['computed every time', 'p95'], ['kept per data version', 'cachedP95']] as const) {
    console.log(slow(key).length === 0 ? `${label}: every view answers under 50 ms at p95` : `${label}: over 50 ms at p95: ${slow(key).join(', ')}`);
  }
  console.log(`\n${'write cost of the roll-ups (µs per write, in memory)'.padEnd(55)} ${'without'.padStart(12)}  ${'with'.padStart(10)}  ${'ratio'.padStart(7)}`);
  for (const w of [...(await verdictCost(dir)), await reportCost(dir)]) {
    console.log(`${w.label.padEnd(55)} ${w.without.toFixed(1).padStart(12)}  ${w.with.toFixed(1).padStart(10)}  ${(w.with / w.without).toFixed(2).padStart(6)}×`);
  }
  await db.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
