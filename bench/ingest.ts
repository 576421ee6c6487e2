// Agent ingest throughput: the same batches (a blocklist sweep and a placement test each) taken in two ways in
// the same run:
//   worker   — POST /api/ingest to the Worker under `wrangler dev --local` (workerd, local D1), one batch at a time
//              as an agent sends them: HTTP, JSON parsing, validation, and one D1 batch per request;
//   baseline — the same JSON text parsed, validated and written by importBatch() straight into an on-disk
//              better-sqlite3 store (WAL), with no HTTP and no D1 in between.
// Results are blocklist checks and list health entries plus placement messages (with their verdicts and headers).
// Run: npx tsx bench/ingest.ts [batches] [targets] [messages]   (defaults: 10 batches, 20 targets x 25 lists, 50 messages)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INGEST_VERSION, parseBatch, type IngestRun } from '../src/ingest/batch.js';
import { importBatch } from '../src/ingest/import-batch.js';
import { openStore } from '../src/node/sqlite-store.js';
import { migrateLocalD1, startWorker } from '../test/support/worker.js';

const BATCHES = Number(process.argv[2] ?? 10);
const TARGETS = Number(process.argv[3] ?? 20);
const MESSAGES = Number(process.argv[4] ?? 50);
const LISTS = 25;
const AGENT_TOKEN = 'bench-agent-token-0123456789';
const HEADERS = `Received: from relay.example.test (relay.example.test [192.0.2.25]) by mx.example.test with ESMTPS\r\n${'X-Filler: '.padEnd(78, 'x')}\r\n`.repeat(60);
const T0 = Date.UTC(2026, 10, 1);

function runRecord(id: number, at: number) {
  return { id, trigger: 'schedule' as const, startedAt: at, finishedAt: at + 1000, status: 'ok' as const, summary: 'bench', error: null };
}

/** Batch n: a sweep in which a tenth of the targets change status, and a placement test of MESSAGES messages. */
function batchText(n: number): { text: string; results: number } {
  const at = T0 + n * 1_800_000;
  const results = [];
  for (let t = 0; t < TARGETS; t++) {
    for (let l = 0; l < LISTS; l++) {
      const listed = l === 0 && (t + n) % 10 === 0;
      results.push({
        target: `198.51.100.${t + 1}`,
        zone: `list${l}.bench.test`,
        list: `List ${l}`,
        status: listed ? ('listed' as const) : ('clean' as const),
        severity: listed ? ('high' as const) : null,
        allowlisted: false,
        codes: listed ? ['127.0.0.2'] : [],
        meaning: listed ? 'listed for spam' : null,
        reason: null,
        delistUrl: null,
        error: null,
      });
    }
  }
  const health = Array.from({ length: LISTS }, (_, l) => ({ zone: `list${l}.bench.test`, list: `List ${l}`, healthy: true, cause: null }));
  const token = `bench${n}`;
  const auth = { summary: { spf: 'pass', dkim: 'pass', dmarc: 'pass' }, details: [{ method: 'dkim', result: 'pass', domain: 'example.test' }], by: 'mx.example.test' };
  const messages = Array.from({ length: MESSAGES }, (_, i) => ({
    provider: `provider${i % 10}`,
    seed: `seed${Math.floor(i / 10)}@example.test`,
    mailboxProvider: 'gmail',
    position: i,
    messageId: `<${token}.${i}@example.test>`,
    fromAddress: 'news@example.test',
    sendStatus: 'sent' as const,
    sendStartedAt: at + 10,
    sentAt: at + 20,
    response: '250 2.0.0 OK queued',
    queueId: `Q${i}`,
    sendError: null,
    verdict: {
      placement: i % 7 === 0 ? ('spam' as const) : ('inbox' as const),
      folder: i % 7 === 0 ? 'Junk' : 'INBOX',
      labels: [],
      foldersSearched: ['INBOX', 'Junk'],
      arrivedAt: at + 3000,
      receivedAt: at + 2500,
      observedAt: at + 3500,
      latencyMs: 2500 + i,
      latencyErrorMs: 500,
      latencyLowMs: 2000 + i,
      latencyHighMs: 3000 + i,
      latencySource: 'received',
      clockSkewMs: 0,
      late: false,
      receiverAuth: auth,
      localAuth: { ...auth, by: 'inboxwatch' },
      spam: { flag: i % 7 === 0, headers: { 'x-spam-flag': [i % 7 === 0 ? 'YES' : 'NO'] } },
      hops: [{ from: 'relay.example.test', ip: '192.0.2.25', by: 'mx.example.test', tls: true, at: at + 2500 }],
      headers: HEADERS,
      error: null,
      decidedAt: at + 3600,
    },
  }));
  const runs: IngestRun[] = [
    { job: 'blocklists', run: runRecord(2 * n + 1, at), sweep: { at, complete: true, results, health } },
    {
      job: 'placement',
      run: runRecord(2 * n + 2, at),
      tests: [{ id: n + 1, token, trigger: 'schedule', startedAt: at, deadlineAt: at + 600_000, lateAfterMs: 300_000, providers: ['provider0'], finishedAt: at + 60_000, messages }],
      lateVerdicts: [],
      seeds: [],
    },
  ];
  return { text: JSON.stringify({ version: INGEST_VERSION, id: `bench-${n}`, agent: 'bench', runs }), results: results.length + health.length + messages.length };
}

const batches = Array.from({ length: BATCHES }, (_, n) => batchText(n));
const total = batches.reduce((sum, b) => sum + b.results, 0);
const bytes = batches.reduce((sum, b) => sum + b.text.length, 0);

const dir = await mkdtemp(join(tmpdir(), 'inboxwatch-bench-ingest-'));
try {
  const store = await openStore(join(dir, 'baseline.db'));
  const baselineStart = performance.now();
  for (const batch of batches) {
    const outcome = await importBatch(store, parseBatch(JSON.parse(batch.text)), { caller: 'bench', now: Date.now });
    if (!outcome.stored) throw new Error('baseline: a batch was not stored');
  }
  const baselineMs = performance.now() - baselineStart;
  await store.close();

  const state = join(dir, 'd1');
  await migrateLocalD1(state);
  const worker = await startWorker({ state, vars: { INBOXWATCH_AGENT_TOKENS: `bench:${AGENT_TOKEN}` } });
  let workerMs: number;
  try {
    const post = (text: string) => fetch(`${worker.url}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${AGENT_TOKEN}`, 'content-type': 'application/json' }, body: text });
    // One small request first, so the isolate's start-up is not counted as ingest time.
    await (await fetch(`${worker.url}/healthz`)).text();
    const workerStart = performance.now();
    for (const batch of batches) {
      const response = await post(batch.text);
      const body = (await response.json()) as { stored?: boolean; error?: string };
      if (response.status !== 200 || !body.stored) throw new Error(`worker: ${response.status} ${JSON.stringify(body)}`);
    }
    workerMs = performance.now() - workerStart;
  } finally {
    await worker.stop();
  }

  const rate = (ms: number) => Math.round(total / (ms / 1000));
  console.log(`${BATCHES} batches, ${total} results (${TARGETS} targets x ${LISTS} lists + list health + ${MESSAGES} placement messages each), ${(bytes / 1024 / 1024).toFixed(1)} MiB of JSON`);
  console.log(`baseline  importBatch into better-sqlite3: ${baselineMs.toFixed(0)} ms, ${rate(baselineMs)} results/s`);
  console.log(`worker    POST /api/ingest into local D1:  ${workerMs.toFixed(0)} ms, ${rate(workerMs)} results/s, ${(workerMs / BATCHES).toFixed(0)} ms per batch`);
  console.log(`ratio     worker / baseline throughput: ${(rate(workerMs) / rate(baselineMs)).toFixed(2)}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
