import { describe, expect, it } from 'vitest';
import { latencyPercentiles, percentile, rollup, wilson } from '../../../src/placement/rates.js';

describe('wilson', () => {
  it('matches published values', () => {
    // 8 of 10: 0.4902 – 0.9433 (Wilson 1927, as tabulated by Newcombe 1998)
    const i = wilson(8, 10);
    expect(i?.low).toBeCloseTo(0.4902, 4);
    expect(i?.high).toBeCloseTo(0.9433, 4);
    const zero = wilson(0, 10);
    expect(zero?.low).toBe(0);
    expect(zero?.high).toBeCloseTo(0.2775, 4);
    const all = wilson(10, 10);
    expect(all?.high).toBe(1);
    expect(all?.low).toBeCloseTo(0.7225, 4);
  });
  it('is null without samples', () => expect(wilson(0, 0)).toBeNull());
});

describe('percentile', () => {
  it('interpolates', () => {
    expect(percentile([5, 1, 3], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([0, 100], 0.95)).toBe(95);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('rollup', () => {
  it('counts rates over observed placements only and keeps our faults aside', () => {
    const [a, b] = rollup([
      { key: 'b', placement: 'inbox', latency: { low: 1000, high: 2000 }, late: false },
      { key: 'a', placement: 'inbox', latency: { low: 1000, high: 2000 }, late: false },
      { key: 'a', placement: 'spam', latency: { low: 3000, high: 3400 }, late: true },
      { key: 'a', placement: 'promotions', latency: { low: 2000, high: 2100 }, late: false },
      { key: 'a', placement: 'missing', latency: null, late: false },
      { key: 'a', placement: 'error', latency: null, late: false },
      { key: 'a', placement: 'send-error', latency: null, late: false },
    ]);
    expect(a?.key).toBe('a');
    expect(a?.samples).toBe(4);
    expect(a?.errors).toBe(1);
    expect(a?.sendErrors).toBe(1);
    expect(a?.inbox).toEqual({ count: 1, rate: 0.25, ci95: wilson(1, 4) });
    expect(a?.tabs.count).toBe(1);
    expect(a?.spam.rate).toBe(0.25);
    expect(a?.missing.rate).toBe(0.25);
    expect(a?.late).toBe(1);
    // Low ends 1000, 2000, 3000 and high ends 2000, 2100, 3400: p50 in [2000, 2100], p95 in [2900, 3270].
    expect(a?.latency).toEqual({ samples: 3, p50: 2050, p50ErrorMs: 50, p95: 3085, p95ErrorMs: 185 });
    expect(b?.inbox.rate).toBe(1);
  });
});

describe('latencyPercentiles', () => {
  it('brackets the percentiles of any true latencies inside the intervals', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const truths: number[] = [];
      const intervals = Array.from({ length: 1 + Math.floor(random() * 40) }, () => {
        const low = Math.floor(random() * 10_000);
        const high = low + Math.floor(random() * 1000);
        truths.push(low + random() * (high - low));
        return { low, high };
      });
      const bounds = latencyPercentiles(intervals);
      for (const [q, value, error] of [
        [0.5, bounds.p50, bounds.p50ErrorMs],
        [0.95, bounds.p95, bounds.p95ErrorMs],
      ] as const) {
        const truth = percentile(truths, q) as number;
        expect(Math.abs(truth - (value as number))).toBeLessThanOrEqual(error as number);
      }
    }
  });

  it('has nothing to say without samples', () => {
    expect(latencyPercentiles([])).toEqual({ samples: 0, p50: null, p50ErrorMs: null, p95: null, p95ErrorMs: null });
  });
});
