import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { createBlocklistsJob } from '../../src/blocklists/job.js';
import { parseConfigText } from '../../src/config/parse.js';
import { INGEST_VERSION, MAX_BATCH_BYTES, type IngestRun } from '../../src/ingest/batch.js';
import { exportRun } from '../../src/ingest/export-run.js';
import { createJobRunner } from '../../src/jobs/job-runner.js';
import { silentLogger } from '../../src/log.js';
import { createNodePlacementRuntime } from '../../src/node/placement-runtime.js';
import { createNodeRuntime } from '../../src/node/root.js';
import { openStore } from '../../src/node/sqlite-store.js';
import { createPlacementJob } from '../../src/placement/job.js';
import type { Sql } from '../../src/store/sql.js';
import { startServe, type ServeProcess } from '../support/cli.js';
import { soleOwner } from '../support/owner.js';
import { dkimKeyFile, provider, seedEntry, worldConfig } from '../support/placement.js';
import { aggregateXml, gzip, tlsReportJson } from '../support/reports.js';
import { migrateLocalD1, startWorker, type WorkerProcess } from '../support/worker.js';
import { world } from '../world/context.js';

// An agent's local store fed by real jobs in the test world (blocklists over its DNS, a placement test through
// a relay to seed22's Dovecot mailbox), its runs exported and posted to a real `inboxwatch serve` and to the
// Worker in workerd with a local D1. Both must then answer the API as the agent's own store does.

const ADMIN = 'ingest-admin-token-0123456789';
const AGENT = 'ingest-agent-token-0123456789';
const VIEWER = 'ingest-viewer-token-0123456789';
const TARGETS = ['192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'];
const AUDITED = ['dmarc-none.audit.test', 'nodmarc.audit.test'];

interface Server {
  url: string;
}

/** The agent: its store, the runs it did, and the batches it would send. */
let agent: Sql;
let exported: IngestRun[];
let local: ReturnType<typeof createApp>;
const started = Date.now();

async function runAgentJobs(dir: string): Promise<IngestRun[]> {
  agent = await openStore(join(dir, 'agent.db'));
  const runs: IngestRun[] = [];
  const blocklistsConfig = parseConfigText(`dns:\n  servers: ["${world().dns.server}"]\n  timeoutMs: 500\nblocklists:\n  ips: [${TARGETS.join(', ')}]\n  zones: [zen.spamhaus.org]\n`, 'agent.yaml', {});
  // Read back as each run finishes, before the job runs again: the moment the runner's afterRun hook gives.
  const afterRun = async (_job: unknown, outcome: { run: { id: number } }) => {
    runs.push(await exportRun(agent, outcome.run.id));
  };
  const sweeps = createJobRunner({ config: blocklistsConfig, db: agent, log: silentLogger, resolver: createNodeRuntime(blocklistsConfig).resolver, owner: soleOwner, afterRun });
  // Two sweeps: the first holds the mass listing as suspect, the second confirms it, so both kinds of transition travel.
  for (let i = 0; i < 2; i++) expect((await sweeps.run(createBlocklistsJob(), 'manual')).run.status).toBe('ok');

  // An audit of two domains in the test world's zones, and a reports run over a folder of report files.
  const reportsDir = join(dir, 'reports');
  mkdirSync(reportsDir);
  writeFileSync(join(reportsDir, 'agg.xml.gz'), gzip(aggregateXml({ reportId: 'ingest-1', records: [{ ip: '192.0.2.5', count: 12, dkimResults: [{ domain: 'reports.test', selector: 's2026', result: 'pass' }] }] })));
  writeFileSync(join(reportsDir, 'tls.json'), tlsReportJson());
  writeFileSync(join(reportsDir, 'broken.xml'), '<feedback><nonsense');
  const probes = parseConfigText(
    `dns:\n  servers: ["${world().dns.server}"]\n  timeoutMs: 500\ndomains: [{ name: ${AUDITED.join(' }, { name: ')} }]\nreports:\n  folder: ${reportsDir}\n`,
    'agent.yaml',
    {},
  );
  const probeJobs = createNodeRuntime(probes);
  const probeRunner = createJobRunner({ config: probes, db: agent, log: silentLogger, resolver: probeJobs.resolver, owner: soleOwner, afterRun });
  for (const name of ['audit', 'reports']) {
    const job = probeJobs.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no ${name} job`);
    expect((await probeRunner.run(job, 'manual')).run.status, name).toBe('ok');
  }

  const placementConfig = worldConfig(dir, { providers: [provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) })], seeds: [seedEntry(22)] });
  const placement = createJobRunner({ config: placementConfig, db: agent, log: silentLogger, resolver: createNodeRuntime(placementConfig).resolver, owner: soleOwner, afterRun });
  const outcome = await placement.run(createPlacementJob(createNodePlacementRuntime()), 'manual');
  expect(outcome.run.status).toBe('ok');
  expect(outcome.run.summary).toMatch(/1 inbox of 1/);
  return runs;
}

const post = (server: Server, body: string, token = AGENT) =>
  fetch(`${server.url}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
const batch = (id: string, runs: IngestRun[]) => JSON.stringify({ version: INGEST_VERSION, id, agent: 'loopback-agent', runs });

async function answer(app: { fetch: (request: Request) => Response | Promise<Response> } | Server, path: string): Promise<unknown> {
  const init = { headers: { authorization: `Bearer ${VIEWER}` } };
  const response = 'url' in app ? await fetch(`${app.url}${path}`, init) : await app.fetch(new Request(`http://local${path}`, init));
  expect(response.status, path).toBe(200);
  return withoutIds(await response.json());
}

/** What the server counts as facts: blocklist results and list health, messages and late finds, checks, report rows. */
function factsOf(runs: IngestRun[]): number {
  const each = (r: IngestRun): number => {
    if (r.job === 'blocklists') return r.sweep ? r.sweep.results.length + r.sweep.health.length : 0;
    if (r.job === 'placement') return r.tests.reduce((sum, t) => sum + t.messages.length, 0) + r.lateVerdicts.length;
    if (r.job === 'audit') return r.audits.reduce((sum, a) => sum + a.checks.length, 0);
    return r.reports.reduce((sum, report) => sum + (report.kind === 'aggregate' ? report.rows.length : report.kind === 'tls' ? report.policies.length : 1), 0);
  };
  return runs.reduce((sum, r) => sum + each(r), 0);
}

/** Row ids are each store's own; everything else must be the same. */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIds);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'id').map(([key, v]) => [key, withoutIds(v)]));
}

// A fixed range, so two asks of the same view are the same question.
const range = () => `from=${started - 60_000}&to=${started + 3_600_000}`;
/** A range over whole days, answered from the placement roll-ups (migration 0017) that triggers keep on each engine. */
const days = () => `from=${started - 10 * 86_400_000}&to=${started + 86_400_000}`;
const views = () => [
  '/api/blocklists',
  '/api/blocklists/events?limit=1000',
  `/api/blocklists/history?target=192.0.2.2&${range()}`,
  '/api/seeds',
  `/api/placement?${range()}&groupBy=mailboxProvider`,
  `/api/placement?${range()}`,
  `/api/providers?${range()}`,
  `/api/providers?${days()}`,
  '/api/tests',
  '/api/domains',
  ...AUDITED.flatMap((domain) => [`/api/domains/${domain}/audits?${range()}`, `/api/domains/${domain}/changes?${range()}`]),
  '/api/reports?from=0&to=4000000000000',
  '/api/reports/sources?domain=reports.test&from=0&to=4000000000000',
];

async function testDetail(app: Parameters<typeof answer>[0]): Promise<unknown> {
  const tests = (await answer(app, '/api/tests')) as { tests: Array<{ token: string }> };
  expect(tests.tests).toHaveLength(1);
  const init = { headers: { authorization: `Bearer ${VIEWER}` } };
  // The list hides ids; ask the store for the id of the one test.
  const list = 'url' in app ? await (await fetch(`${app.url}/api/tests`, init)).json() : await (await app.fetch(new Request('http://local/api/tests', init))).json();
  const id = (list as { tests: Array<{ id: number }> }).tests[0]?.id;
  return answer(app, `/api/tests/${id}`);
}

/** What every server must do with the agent's batches, whichever runtime it is. */
function ingestContract(name: string, server: () => Server) {
  describe(name, () => {
    it('refuses a viewer token, an oversized body, a body that is not JSON and a malformed batch, storing nothing', async () => {
      const viewer = await post(server(), batch('viewer-batch', exported), VIEWER);
      expect(viewer.status).toBe(403);
      expect(((await viewer.json()) as { error: string }).error).toContain('agent');

      const huge = await post(server(), JSON.stringify({ version: INGEST_VERSION, id: 'huge', runs: [], padding: 'x'.repeat(MAX_BATCH_BYTES) }));
      expect(huge.status).toBe(413);
      expect(((await huge.json()) as { error: string }).error).toMatch(/^body: larger than 5242880 bytes/);

      const notJson = await post(server(), '{"version": 1, "id": "x", "runs": [');
      expect(notJson.status).toBe(400);
      expect(((await notJson.json()) as { error: string }).error).toMatch(/^body: not JSON/);

      const [first, ...rest] = exported;
      const broken = { ...(first as IngestRun), run: { ...(first as IngestRun).run, status: 'running' } };
      const malformed = await post(server(), batch('malformed', [...rest, broken as IngestRun]));
      expect(malformed.status).toBe(422);
      expect(await malformed.json()).toEqual({ error: expect.stringMatching(/^runs\[\d+\]\.run\.status: /), path: `runs[${rest.length}].run.status` });

      const unknownJob = await post(server(), batch('unknown-job', [{ ...(first as IngestRun), job: 'housekeeping' } as unknown as IngestRun]));
      expect(unknownJob.status).toBe(422);
      expect(((await unknownJob.json()) as { error: string }).error).toBe('runs[0].job: unknown job "housekeeping"; ingest takes runs of blocklists, placement, audit, reports');

      const runs = (await answer(server(), '/api/runs')) as { runs: unknown[] };
      expect(runs.runs).toEqual([]);
      expect(((await answer(server(), '/api/blocklists')) as { targets: unknown[] }).targets).toEqual([]);
    });

    it('stores the agent’s runs so the API answers as the agent’s own store does', async () => {
      const response = await post(server(), batch('batch-1', exported));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ batch: 'batch-1', stored: true, runs: 5, facts: factsOf(exported) });
      // 2 sweeps of 4 targets on 1 list (4 results and 1 list health each) and 1 placement message, besides audits and reports.
      expect(factsOf(exported.filter((r) => r.job === 'blocklists' || r.job === 'placement'))).toBe(11);
      for (const path of views()) expect(await answer(server(), path), path).toEqual(await answer(local, path));
      // The roll-ups hold the ingested verdicts, on D1 as on SQLite: not an empty answer on both sides.
      expect(((await answer(server(), `/api/providers?${days()}`)) as { matrix: Array<{ samples: number }> }).matrix.map((c) => c.samples)).toEqual([1]);
      expect(await testDetail(server())).toEqual(await testDetail(local));
      const detail = (await testDetail(server())) as { providers: Array<{ seeds: Array<{ placement: string; evidence: { headers: string } }> }> };
      expect(detail.providers[0]?.seeds[0]).toMatchObject({ placement: 'inbox', evidence: { headers: expect.stringContaining('Authentication-Results') } });
      const runs = (await answer(server(), '/api/runs')) as { runs: Array<{ job: string; status: string }> };
      expect(runs.runs.map((r) => `${r.job} ${r.status}`)).toEqual(['placement ok', 'reports ok', 'audit ok', 'blocklists ok', 'blocklists ok']);
      const reports = JSON.stringify(await answer(server(), '/api/reports?from=0&to=4000000000000'));
      expect(reports).toContain('ingest-1');
      const audits = (await answer(server(), `/api/domains/${AUDITED[0]}/audits?${range()}`)) as { audits: Array<{ checks: unknown[] }> };
      expect(audits.audits[0]?.checks.length).toBeGreaterThan(5);
    });

    it('stores a replayed batch once', async () => {
      const before = await Promise.all(views().map((path) => answer(server(), path)));
      const again = await post(server(), batch('batch-1', exported));
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ batch: 'batch-1', duplicate: true, runs: 5, facts: factsOf(exported) });
      expect(await Promise.all(views().map((path) => answer(server(), path)))).toEqual(before);
      expect(((await answer(server(), '/api/runs')) as { runs: unknown[] }).runs).toHaveLength(5);
    });
  });
}

describe('agent ingest over HTTP', () => {
  let serve: ServeProcess;
  let worker: WorkerProcess;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iw-ingest-'));
    const tokens = [
      { name: 'admin', token: ADMIN, role: 'admin' },
      { name: 'agent-eu', token: AGENT, role: 'agent' },
      { name: 'dash', token: VIEWER, role: 'viewer' },
    ];
    writeFileSync(join(dir, 'inboxwatch.yaml'), JSON.stringify({ database: join(dir, 'server.db'), server: { tokens } }));
    const state = mkdtempSync(join(tmpdir(), 'iw-ingest-d1-'));
    const [runs] = await Promise.all([
      runAgentJobs(dir),
      (async () => {
        serve = await startServe({ cwd: dir });
        await migrateLocalD1(state);
        worker = await startWorker({ state, vars: { INBOXWATCH_ADMIN_TOKEN: ADMIN, INBOXWATCH_AGENT_TOKENS: `agent-eu:${AGENT}`, INBOXWATCH_VIEWER_TOKENS: `dash:${VIEWER}` } });
      })(),
    ]);
    exported = runs;
    local = createApp({ db: agent, tokens: [{ name: 'dash', token: VIEWER, role: 'viewer' }], jobs: [], log: silentLogger });
  }, 240_000);

  afterAll(async () => {
    await serve?.stop();
    await worker?.stop();
    await agent?.close();
  });

  it('exported three finished runs with their facts', () => {
    expect(exported.map((r) => r.job)).toEqual(['blocklists', 'blocklists', 'audit', 'reports', 'placement']);
    const placement = exported[4];
    expect(placement?.job === 'placement' && placement.tests[0]?.messages[0]?.verdict?.placement).toBe('inbox');
  });

  ingestContract('on inboxwatch serve', () => serve);
  ingestContract('on the Worker in workerd with a local D1', () => worker);
});
