import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { silentLogger } from '../../src/log.js';
import { completePlacementTest, createPlacementTest, testReport, type TestReport } from '../../src/placement/index.js';
import { percentile } from '../../src/placement/rates.js';
import type { SeedReport } from '../../src/placement/report.js';
import { verdictsOf } from '../../src/placement/store.js';
import { dkimKeyFile, placementContext, provider, seedEntry, tempDir, worldConfig } from '../support/placement.js';
import { clearRecipientRule, deliveriesTo, seed, setRecipientRule } from '../world/context.js';
import type { Delivery } from '../world/types.js';

// Receivers that hold mail for known times; two stamp Received dates with milliseconds, one whole seconds.
const RECEIVERS = [
  { n: 14, delayMs: 300, stampMs: true },
  { n: 15, delayMs: 1500, stampMs: false },
  { n: 16, delayMs: 4200, stampMs: true },
] as const;
// Each test starts at a different point of the clock's second, so 250s and arrivals fall all over it.
const START_PHASES_MS = [0, 250, 500, 750];

interface Sample {
  receiver: (typeof RECEIVERS)[number];
  result: SeedReport;
  sentAt: number;
  delivery: Delivery;
  /** The true latency lies in here: Dovecot stamps INTERNALDATE during the LMTP transaction. */
  truth: { low: number; high: number };
}

describe('delivery latency from whole-second INTERNALDATE, in the test world', () => {
  const samples: Sample[] = [];
  const reports: TestReport[] = [];
  let ctx: Awaited<ReturnType<typeof placementContext>>;

  beforeAll(async () => {
    for (const r of RECEIVERS) await setRecipientRule(seed(r.n).address, { delayMs: r.delayMs, stampMs: r.stampMs });
    const dir = tempDir();
    ctx = await placementContext(
      worldConfig(dir, {
        providers: [provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) })],
        seeds: RECEIVERS.map((r) => seedEntry(r.n)),
        placement: { timeout: '20s', lateAfter: '15s' },
      }),
    );
    for (const phase of START_PHASES_MS) {
      await sleep((phase - (Date.now() % 1000) + 1000) % 1000);
      const test = await createPlacementTest(ctx, { trigger: 'cli' });
      await completePlacementTest(ctx, test);
      const report = (await testReport(ctx.db, test.id, { headers: true })) as TestReport;
      reports.push(report);
      for (const receiver of RECEIVERS) {
        const result = report.providers[0]?.seeds.find((s) => s.seed === seed(receiver.n).address) as SeedReport;
        const delivery = (await deliveriesTo(seed(receiver.n).address)).find((d) => d.messageId === result.messageId) as Delivery;
        const sentAt = result.send.at as number;
        samples.push({
          receiver,
          result,
          sentAt,
          delivery,
          truth: { low: Math.max(0, delivery.deliveryStartedAt - sentAt), high: Math.max(0, delivery.deliveredAt - sentAt) },
        });
      }
    }
  }, 120_000);
  afterAll(async () => {
    for (const r of RECEIVERS) await clearRecipientRule(seed(r.n).address);
    await ctx.close();
  });

  it('delivered every message after the delay its receiver holds it for', () => {
    expect(samples).toHaveLength(RECEIVERS.length * START_PHASES_MS.length);
    for (const s of samples) {
      expect(s.result.placement).toBe('inbox');
      expect(s.delivery.deliveryStartedAt - s.delivery.acceptedAt).toBeGreaterThanOrEqual(s.receiver.delayMs);
    }
  });

  it('reports an interval that contains the true latency every time, with latencyMs ± latencyErrorMs covering it', () => {
    for (const s of samples) {
      const bounds = s.result.evidence?.latencyBounds;
      const where = `seed${s.receiver.n} (${s.receiver.delayMs} ms), 250 at ${s.sentAt}: bounds ${JSON.stringify(bounds)}, truth ${JSON.stringify(s.truth)}`;
      expect(bounds, where).toBeTruthy();
      if (!bounds) continue;
      // The true value lies in both intervals, so they meet.
      expect(bounds.low, where).toBeLessThanOrEqual(s.truth.high);
      expect(bounds.high, where).toBeGreaterThanOrEqual(s.truth.low);
      expect(s.result.clockSkewMs, where).toBeNull();
      const { latencyMs, latencyErrorMs } = s.result as { latencyMs: number; latencyErrorMs: number };
      expect(latencyMs - latencyErrorMs, where).toBeLessThanOrEqual(bounds.low);
      expect(latencyMs + latencyErrorMs, where).toBeGreaterThanOrEqual(bounds.high);
      // No wider than INTERNALDATE's second.
      expect(bounds.high - bounds.low, where).toBeLessThanOrEqual(1000);
    }
  });

  it('is never shorter than the delay the receiver added, unlike the whole-second INTERNALDATE alone', () => {
    for (const s of samples) {
      const upper = (s.result.latencyMs as number) + (s.result.latencyErrorMs as number);
      // The MX accepted before the relay's 250 reached us, so the hold is an upper bound only up to that gap.
      expect(upper).toBeGreaterThanOrEqual(s.receiver.delayMs - (s.sentAt - s.delivery.acceptedAt));
    }
  });

  it('crossed second boundaries: the 250s fell in different quarters of their second, arrivals in other seconds', () => {
    const quarters = new Set(samples.map((s) => Math.floor((s.sentAt % 1000) / 250)));
    expect(quarters.size).toBeGreaterThanOrEqual(3);
    const crossed = samples.filter((s) => Math.floor(s.delivery.deliveryStartedAt / 1000) !== Math.floor(s.sentAt / 1000));
    expect(crossed.length).toBeGreaterThanOrEqual(2 * START_PHASES_MS.length);
  });

  it('narrows the interval with millisecond Received stamps where the receiver writes them', () => {
    for (const s of samples) {
      const bounds = s.result.evidence?.latencyBounds as { low: number; high: number };
      const hops = s.result.evidence?.hops ?? [];
      if (s.receiver.stampMs) {
        expect(hops.some((h) => h.with === 'LMTP' && h.atResolutionMs === 1)).toBe(true);
        // The hand-off stamp is when the LMTP transaction started: the arrival is no earlier.
        expect(bounds.low).toBeGreaterThanOrEqual(s.truth.low);
      } else {
        expect(hops.every((h) => h.atResolutionMs === undefined || h.atResolutionMs === 1000)).toBe(true);
      }
    }
    // INTERNALDATE alone would start every interval at the beginning of the arrival's second.
    const raised = samples.filter((s) => s.receiver.stampMs && (s.result.evidence?.latencyBounds?.low as number) > (s.result.arrivedAt as number) - s.sentAt);
    expect(raised.length).toBeGreaterThanOrEqual(samples.filter((s) => s.receiver.stampMs).length - 2);
  });

  it('stores the interval with the verdict and serves it, and brackets the p50/p95 of the true latencies', async () => {
    const stored = (await Promise.all(reports.map((r) => verdictsOf(ctx.db, r.test.id, { headers: false })))).flat();
    expect(stored).toHaveLength(samples.length);
    for (const v of stored) {
      expect(v).toMatchObject({ latencySource: 'internaldate', latencyLowMs: expect.any(Number), latencyHighMs: expect.any(Number), latencyErrorMs: expect.any(Number) });
      expect(v.latencyMs).toBe(Math.round(((v.latencyLowMs as number) + (v.latencyHighMs as number)) / 2));
    }
    const app = createApp({ db: ctx.db, tokens: [{ name: 't', token: 'latency-test-token-1234', role: 'viewer' }], jobs: [], log: silentLogger });
    const auth = { headers: { authorization: 'Bearer latency-test-token-1234' } };
    const one = (await (await app.request(`/api/tests/${reports[0]?.test.id}`, auth)).json()) as TestReport;
    expect(one.providers[0]?.seeds[0]).toMatchObject({ latencyMs: expect.any(Number), latencyErrorMs: expect.any(Number) });
    const rates = (await (await app.request('/api/placement?groupBy=provider', auth)).json()) as {
      groups: Array<{ key: string; latency: { samples: number; p50: number; p50ErrorMs: number; p95: number; p95ErrorMs: number } }>;
    };
    const latency = rates.groups.find((g) => g.key === 'good')?.latency;
    expect(latency?.samples).toBe(samples.length);
    for (const [q, value, error] of [
      [0.5, latency?.p50, latency?.p50ErrorMs],
      [0.95, latency?.p95, latency?.p95ErrorMs],
    ] as const) {
      const truthLow = percentile(samples.map((s) => s.truth.low), q) as number;
      const truthHigh = percentile(samples.map((s) => s.truth.high), q) as number;
      expect((value as number) - (error as number)).toBeLessThanOrEqual(truthHigh);
      expect((value as number) + (error as number)).toBeGreaterThanOrEqual(truthLow);
    }
  });
});

describe('a receiver whose clock disagrees with ours', () => {
  // seed14's receiver runs an hour behind, seed15's an hour ahead, both stamping Received with milliseconds.
  const OFFSETS = [
    { n: 14, clockOffsetMs: -3_600_000 },
    { n: 15, clockOffsetMs: 3_600_000 },
  ] as const;
  let report: TestReport;
  let ctx: Awaited<ReturnType<typeof placementContext>>;

  beforeAll(async () => {
    for (const o of OFFSETS) await setRecipientRule(seed(o.n).address, { clockOffsetMs: o.clockOffsetMs, stampMs: true });
    const dir = tempDir();
    ctx = await placementContext(
      worldConfig(dir, { providers: [provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) })], seeds: OFFSETS.map((o) => seedEntry(o.n)) }),
    );
    const test = await createPlacementTest(ctx, { trigger: 'cli' });
    await completePlacementTest(ctx, test);
    report = (await testReport(ctx.db, test.id)) as TestReport;
  }, 60_000);
  afterAll(async () => {
    for (const o of OFFSETS) await clearRecipientRule(seed(o.n).address);
    await ctx.close();
  });

  it('is flagged as clock skew of at least the gap, with no latency stored', async () => {
    for (const o of OFFSETS) {
      const result = report.providers[0]?.seeds.find((s) => s.seed === seed(o.n).address) as SeedReport;
      expect(result).toMatchObject({ placement: 'inbox', latencyMs: null, latencyErrorMs: null });
      // Positive when the receiver is behind; the gap is the offset less what the bounds leave open.
      expect(Math.sign(result.clockSkewMs as number)).toBe(-Math.sign(o.clockOffsetMs));
      expect(Math.abs(result.clockSkewMs as number)).toBeGreaterThan(3_590_000);
      expect(Math.abs(result.clockSkewMs as number)).toBeLessThanOrEqual(3_600_000);
    }
    const stored = await verdictsOf(ctx.db, report.test.id, { headers: false });
    expect(stored.map((v) => [v.latencyMs, v.latencyLowMs, v.latencyHighMs])).toEqual([
      [null, null, null],
      [null, null, null],
    ]);
  });

  it('is left out of the latency percentiles', async () => {
    const app = createApp({ db: ctx.db, tokens: [{ name: 't', token: 'latency-test-token-1234', role: 'viewer' }], jobs: [], log: silentLogger });
    const rates = (await (await app.request('/api/placement', { headers: { authorization: 'Bearer latency-test-token-1234' } })).json()) as {
      groups: Array<{ key: string; samples: number; latency: unknown }>;
    };
    expect(rates.groups).toEqual([
      expect.objectContaining({ key: 'good', samples: 2, latency: { samples: 0, p50: null, p50ErrorMs: null, p95: null, p95ErrorMs: null } }),
    ]);
  });
});
