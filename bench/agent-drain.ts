// How fast an agent empties its buffer after an outage: N blocklist-sweep runs wait in a fresh buffer, and the
// shipper sends them over HTTP on loopback to a local `inboxwatch serve` (in this process, its own SQLite
// file) until the outbox is empty. Two ways, each against a fresh server and buffer:
//   one per request — every run in its own batch (the baseline: what a shipper without batching does);
//   batched         — as `inboxwatch agent` ships (BATCH_LIMITS): up to 100 runs per request within MAX_BATCH_BYTES.
// Every run is checked to have arrived once (the server's run count) before a figure is printed.
// Run: npx tsx bench/agent-drain.ts [runs] [targets]   (defaults: 500 runs, 20 targets × 3 lists each)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpTransport } from '../src/agent/http-transport.js';
import { queueRun, type BatchLimits } from '../src/agent/outbox.js';
import { BATCH_LIMITS, createShipper } from '../src/agent/shipper.js';
import { configSchema } from '../src/config/schema.js';
import { MAX_BATCH_BYTES, type BlocklistsRun } from '../src/ingest/batch.js';
import { silentLogger } from '../src/log.js';
import { startServer } from '../src/node/server.js';
import { openStore } from '../src/node/sqlite-store.js';

const RUNS = Number(process.argv[2] ?? 500);
const TARGETS = Number(process.argv[3] ?? 20);
const ZONES = ['zen.spamhaus.org', 'b.barracudacentral.org', 'bl.spamcop.net'];
const ADMIN = 'bench-admin-token-0123456789';
const AGENT = 'bench-agent-token-0123456789';

/** One sweep as an agent's exportRun gives it: every target clean on every list but one listing now and then. */
function sweepRun(i: number): BlocklistsRun {
  const at = 1_767_225_600_000 + i * 1_800_000;
  const results = [];
  for (let t = 0; t < TARGETS; t++) {
    for (const zone of ZONES) {
      const listed = zone === ZONES[0] && t === i % TARGETS && i % 7 === 0;
      results.push({
        target: `198.18.0.${t + 1}`,
        zone,
        list: zone,
        status: listed ? ('listed' as const) : ('clean' as const),
        severity: listed ? ('high' as const) : null,
        allowlisted: false,
        codes: listed ? ['127.0.0.2'] : [],
        meaning: listed ? 'SBL: Spamhaus SBL data' : null,
        reason: null,
        delistUrl: null,
        error: null,
      });
    }
  }
  return {
    job: 'blocklists',
    run: { id: i + 1, trigger: 'schedule', startedAt: at, finishedAt: at + 900, status: 'ok', summary: `${TARGETS * ZONES.length} checks`, error: null },
    sweep: { at, complete: true, results, health: ZONES.map((zone) => ({ zone, list: zone, healthy: true, cause: null })) },
  };
}

async function drainOnce(limits: BatchLimits): Promise<{ seconds: number; requests: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'iw-bench-drain-'));
  const config = configSchema.parse({
    database: join(dir, 'server.db'),
    server: { host: '127.0.0.1', tokens: [{ name: 'admin', token: ADMIN, role: 'admin' }, { name: 'probe', token: AGENT, role: 'agent' }] },
  });
  // Any free port, as `serve --port 0` does.
  const server = await startServer({ ...config, server: { ...config.server, port: 0 } }, silentLogger);
  const buffer = await openStore(join(dir, 'agent.db'));
  try {
    for (let i = 0; i < RUNS; i++) await queueRun(buffer, { runId: i + 1, job: 'blocklists', payload: sweepRun(i) }, i, crypto.randomUUID());
    const http = createHttpTransport({ server: new URL(server.url), token: AGENT });
    let requests = 0;
    const shipper = createShipper({
      db: buffer,
      transport: (batch, signal) => {
        requests++;
        return http(batch, signal);
      },
      log: silentLogger,
      limits,
    });
    const started = performance.now();
    const result = await shipper.drain();
    const seconds = (performance.now() - started) / 1000;
    if (result.delivered !== RUNS || result.stoppedBy) throw new Error(`drained ${result.delivered} of ${RUNS}: ${result.stoppedBy ?? ''}`);
    const runs = (await (await fetch(`${server.url}/api/runs?job=blocklists&limit=1`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { runs: Array<{ id: number }> };
    const stored = runs.runs[0]?.id ?? 0;
    if (stored !== RUNS) throw new Error(`the server holds ${stored} runs, expected ${RUNS}`);
    return { seconds, requests };
  } finally {
    await buffer.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const single = await drainOnce({ maxRuns: 1, maxBytes: MAX_BATCH_BYTES });
const batched = await drainOnce(BATCH_LIMITS);
const rate = (seconds: number) => RUNS / seconds;
const checks = TARGETS * ZONES.length;
console.log(`agent buffer drain: ${RUNS} blocklist runs of ${checks} checks each, to a local serve over loopback HTTP`);
console.log(`  one per request  ${single.seconds.toFixed(2)} s  ${rate(single.seconds).toFixed(0)} runs/s  (${single.requests} requests)`);
console.log(`  batched          ${batched.seconds.toFixed(2)} s  ${rate(batched.seconds).toFixed(0)} runs/s  (${batched.requests} requests)`);
console.log(`  batched / one per request: ${(rate(batched.seconds) / rate(single.seconds)).toFixed(2)}×`);
