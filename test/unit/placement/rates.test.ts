import { describe, expect, it } from 'vitest';
import { percentile, rollup, wilson } from '../../../src/placement/rates.js';

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
      { key: 'b', placement: 'inbox', latencyMs: 1000, late: false },
      { key: 'a', placement: 'inbox', latencyMs: 1000, late: false },
      { key: 'a', placement: 'spam', latencyMs: 3000, late: true },
      { key: 'a', placement: 'promotions', latencyMs: 2000, late: false },
      { key: 'a', placement: 'missing', latencyMs: null, late: false },
      { key: 'a', placement: 'error', latencyMs: null, late: false },
      { key: 'a', placement: 'send-error', latencyMs: null, late: false },
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
    expect(a?.latency).toEqual({ samples: 3, p50: 2000, p95: 2900 });
    expect(b?.inbox.rate).toBe(1);
  });
});
