import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outboxStatus, queueRun } from '../../../src/agent/outbox.js';
import { createShipper, verdictOf, type OutgoingBatch, type Transport, type TransportAnswer } from '../../../src/agent/shipper.js';
import { silentLogger } from '../../../src/log.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import type { Sql } from '../../../src/store/sql.js';

/** A server stand-in that stores each batch id once, as the ingest API promises, and answers from a script. */
function fakeServer(script: Array<TransportAnswer | 'unreachable'> = []) {
  const stored = new Map<string, unknown[]>();
  const requests: OutgoingBatch[] = [];
  const transport: Transport = async (batch) => {
    requests.push(batch);
    const next = script.shift() ?? { status: 200 };
    if (next === 'unreachable') throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    if (next.status >= 200 && next.status < 300 && !stored.has(batch.id)) stored.set(batch.id, batch.runs);
    return next;
  };
  const runs = () => [...stored.values()].flat();
  return { transport, requests, stored, runs };
}

let db: Sql;
let ids = 0;
const newId = () => `batch-${++ids}`;
const limits = { maxRuns: 10, maxBytes: 10_000 };

async function queue(n: number, payload: (i: number) => unknown = (i) => ({ run: i })): Promise<void> {
  for (let i = 1; i <= n; i++) await queueRun(db, { runId: i, job: 'blocklists', payload: payload(i) }, 1_000 + i, newId());
}

beforeEach(async () => {
  db = await openStore(':memory:');
});
afterEach(async () => {
  await db.close();
});

describe('what an answer means', () => {
  it('delivers on 2xx, retries on 408/429/5xx and on answers that never judged the batch, rejects other 4xx', () => {
    expect([200, 201, 204].map(verdictOf)).toEqual(['delivered', 'delivered', 'delivered']);
    expect([408, 429, 500, 502, 503].map(verdictOf)).toEqual(['retry', 'retry', 'retry', 'retry', 'retry']);
    expect([401, 403, 404, 405].map(verdictOf)).toEqual(['unjudged', 'unjudged', 'unjudged', 'unjudged']);
    expect([400, 409, 413, 415, 422].map(verdictOf)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
  });
});

describe('the shipper', () => {
  it('sends queued runs oldest first, several per request within the limits, and empties the outbox', async () => {
    await queue(7);
    const server = fakeServer();
    const shipper = createShipper({ db, transport: server.transport, log: silentLogger, limits: { maxRuns: 3, maxBytes: 10_000 }, newId, agent: 'eu-1' });
    expect(await shipper.drain()).toEqual({ delivered: 7, rejected: 0 });
    expect(server.requests.map((r) => r.runs.length)).toEqual([3, 3, 1]);
    expect(server.requests[0]?.agent).toBe('eu-1');
    expect(server.runs()).toEqual([1, 2, 3, 4, 5, 6, 7].map((run) => ({ run })));
    expect((await outboxStatus(db)).pending).toBe(0);
  });

  it('keeps each request under the byte limit', async () => {
    await queue(5, (i) => ({ run: i, filler: 'x'.repeat(300) }));
    const server = fakeServer();
    const shipper = createShipper({ db, transport: server.transport, log: silentLogger, limits: { maxRuns: 100, maxBytes: 1_000 }, newId });
    await shipper.drain();
    for (const request of server.requests) expect(JSON.stringify(request).length).toBeLessThanOrEqual(1_000);
    expect(server.runs()).toHaveLength(5);
  });

  it('keeps everything while the server is unreachable or failing, and resends the same batch id afterwards', async () => {
    await queue(4);
    const server = fakeServer(['unreachable', { status: 503, error: 'overloaded' }, { status: 429 }]);
    const shipper = createShipper({ db, transport: server.transport, log: silentLogger, limits, newId });
    expect((await shipper.drain()).stoppedBy).toMatch(/unreachable: connect ECONNREFUSED/);
    expect((await shipper.drain()).stoppedBy).toBe('HTTP 503: overloaded');
    expect((await shipper.drain()).stoppedBy).toBe('HTTP 429');
    const status = await outboxStatus(db);
    expect(status).toMatchObject({ pending: 4, rejected: [], lastError: { error: 'HTTP 429', attempts: 3 } });
    expect(await shipper.drain()).toEqual({ delivered: 4, rejected: 0 });
    // Every try carried the same sealed batch: a server that had stored an earlier try would see a replay.
    expect(new Set(server.requests.map((r) => r.id)).size).toBe(1);
    expect(server.runs()).toHaveLength(4);
  });

  it('never ships a run twice when the server stored a batch but the answer was lost', async () => {
    await queue(3);
    const server = fakeServer();
    let lose = true;
    const lossy: Transport = async (batch, signal) => {
      const answer = await server.transport(batch, signal);
      if (lose) {
        lose = false;
        throw new Error('socket hang up');
      }
      return answer;
    };
    const shipper = createShipper({ db, transport: lossy, log: silentLogger, limits, newId });
    expect((await shipper.drain()).stoppedBy).toMatch(/socket hang up/);
    await queue(2, (i) => ({ run: 10 + i }));
    await shipper.drain();
    // The lost batch went again as it was, under its id; the runs queued meanwhile went in a batch of their own.
    expect(server.requests.map((r) => r.runs.length)).toEqual([3, 3, 2]);
    expect(server.requests[0]?.id).toBe(server.requests[1]?.id);
    expect(server.runs()).toEqual([{ run: 1 }, { run: 2 }, { run: 3 }, { run: 11 }, { run: 12 }]);
    expect((await outboxStatus(db)).pending).toBe(0);
  });

  it('keeps a run the server refuses for good as rejected, with the reason, and never sends it again', async () => {
    await queue(1);
    const server = fakeServer([{ status: 422, error: 'runs[0].job: unknown job "x"' }]);
    const shipper = createShipper({ db, transport: server.transport, log: silentLogger, limits, newId });
    expect(await shipper.drain()).toEqual({ delivered: 0, rejected: 1 });
    expect(await shipper.drain()).toEqual({ delivered: 0, rejected: 0 });
    expect(server.requests).toHaveLength(1);
    const status = await outboxStatus(db);
    expect(status.pending).toBe(0);
    expect(status.rejected).toEqual([expect.objectContaining({ runId: 1, job: 'blocklists', status: 422, error: 'HTTP 422: runs[0].job: unknown job "x"' })]);
  });

  it('splits a refused batch of several runs so only the bad run is rejected', async () => {
    await queue(3, (i) => ({ run: i, bad: i === 2 }));
    const server = fakeServer();
    const picky: Transport = async (batch, signal) => {
      if (batch.runs.some((run) => (run as { bad: boolean }).bad)) {
        server.requests.push(batch);
        return { status: 400, error: 'runs[1]: bad' };
      }
      return server.transport(batch, signal);
    };
    const shipper = createShipper({ db, transport: picky, log: silentLogger, limits, newId });
    expect(await shipper.drain()).toEqual({ delivered: 2, rejected: 1 });
    expect(server.requests.map((r) => r.runs.length)).toEqual([3, 1, 1, 1]);
    expect(server.runs()).toEqual([{ run: 1, bad: false }, { run: 3, bad: false }]);
    expect((await outboxStatus(db)).rejected.map((r) => r.runId)).toEqual([2]);
  });

  it('does not give up on runs when the server refuses the token, so fixing it loses nothing', async () => {
    await queue(2);
    const server = fakeServer([{ status: 401, error: 'invalid token' }]);
    const shipper = createShipper({ db, transport: server.transport, log: silentLogger, limits, newId });
    expect(await shipper.drain()).toEqual({ delivered: 0, rejected: 0, stoppedBy: 'HTTP 401: invalid token' });
    expect(await shipper.drain()).toEqual({ delivered: 2, rejected: 0 });
  });

  it('backs off in the background while the server is away and catches up when it is back', async () => {
    await queue(2);
    const server = fakeServer(['unreachable', 'unreachable']);
    const shipper = createShipper({ db, transport: server.transport, log: silentLogger, limits, newId, backoff: { baseMs: 20, capMs: 40 }, random: () => 1 });
    shipper.start();
    await until(async () => (await outboxStatus(db)).pending === 0);
    await queueRun(db, { runId: 3, job: 'audit', payload: { run: 3 } }, 2_000, newId());
    shipper.notify();
    await until(async () => (await outboxStatus(db)).pending === 0);
    expect(await shipper.stop(1_000)).toEqual({ delivered: 0, rejected: 0 });
    expect(server.requests).toHaveLength(4);
    expect(server.runs()).toEqual([{ run: 1 }, { run: 2 }, { run: 3 }]);
  });
});

async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
