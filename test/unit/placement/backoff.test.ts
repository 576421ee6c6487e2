import { describe, expect, it } from 'vitest';
import { retryDelay, SEED_BACKOFF } from '../../../src/placement/backoff.js';

describe('retryDelay', () => {
  it('doubles from the base up to the cap', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, top))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(retryDelay(9, top)).toBe(256_000);
    expect(retryDelay(10, top)).toBe(SEED_BACKOFF.capMs);
    expect(retryDelay(10_000, top)).toBe(SEED_BACKOFF.capMs);
  });
  it('shortens each wait by up to half, never more', () => {
    for (const attempt of [1, 3, 7, 12]) {
      const ceiling = retryDelay(attempt, () => 1);
      expect(retryDelay(attempt, () => 0)).toBe(ceiling / 2);
      expect(retryDelay(attempt, () => 0.5)).toBe(ceiling * 0.75);
    }
  });
  it('treats attempt 0 and below as the first retry', () => {
    expect(retryDelay(0, () => 1)).toBe(1_000);
    expect(retryDelay(-3, () => 1)).toBe(1_000);
  });
});
