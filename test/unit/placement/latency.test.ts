import { describe, expect, it } from 'vitest';
import { isLate, latencyInterval, midpoint, type LatencyInput } from '../../../src/placement/latency.js';

// The 250 came at 10.400 s after a transaction that started at 10.300 s; we looked long after. Our own
// stamps are whole milliseconds: a search that returned within millisecond 13_299 bounds the arrival by 13_300.
const base: LatencyInput = { sentAt: 10_400, sendStartedAt: 10_300, receiverStamps: [], seenAt: 60_000 };

describe('latencyInterval', () => {
  it('turns a whole-second INTERNALDATE into the second it stands for', () => {
    expect(latencyInterval({ ...base, internalDate: 13_000 })).toEqual({
      latency: { latencyMs: 3100, latencyErrorMs: 500, latencyLowMs: 2600, latencyHighMs: 3600, latencySource: 'internaldate' },
      clockSkewMs: null,
    });
  });

  it('ends the interval when our search listed the message, if that came first', () => {
    expect(latencyInterval({ ...base, internalDate: 13_000, seenAt: 13_299 }).latency).toMatchObject({ latencyLowMs: 2600, latencyHighMs: 2900, latencyMs: 2750, latencyErrorMs: 150 });
  });

  it('raises the lower bound with a finer Received stamp that fits', () => {
    const stamps = [
      { at: 13_250, resolutionMs: 1 },
      { at: 12_000, resolutionMs: 1000 },
    ];
    expect(latencyInterval({ ...base, internalDate: 13_000, seenAt: 13_299, receiverStamps: stamps }).latency).toMatchObject({ latencyLowMs: 2850, latencyHighMs: 2900 });
  });

  it('does not let a Received stamp that cannot be true narrow anything', () => {
    // The receiver's MX clock an hour ahead of its store and of us.
    const ahead = [{ at: 3_613_250, resolutionMs: 1 }];
    expect(latencyInterval({ ...base, internalDate: 13_000, seenAt: 13_299, receiverStamps: ahead }).latency).toMatchObject({ latencyLowMs: 2600, latencyHighMs: 2900 });
  });

  it('calls a message stored before the 250 a latency of 0, whatever second INTERNALDATE names', () => {
    // Stored at 9.995 s, the relay's 250 at 10.010 s: INTERNALDATE says 9 s.
    expect(latencyInterval({ sentAt: 10_010, sendStartedAt: 9_990, internalDate: 9_000, receiverStamps: [], seenAt: 10_500 })).toEqual({
      latency: { latencyMs: 0, latencyErrorMs: 0, latencyLowMs: 0, latencyHighMs: 0, latencySource: 'internaldate' },
      clockSkewMs: null,
    });
    expect(latencyInterval({ ...base, sentAt: 10_400, sendStartedAt: 10_000, internalDate: 10_000, seenAt: 10_499 }).latency).toMatchObject({ latencyLowMs: 0, latencyHighMs: 100, latencyMs: 50 });
  });

  it('flags a receiver clock behind ours as skew and claims no latency', () => {
    // Stored, it says, in the 5 s second: before we even connected at 10.3 s.
    expect(latencyInterval({ ...base, internalDate: 5_000 })).toEqual({ latency: null, clockSkewMs: 4300 });
  });

  it('flags a receiver clock ahead of ours as skew and claims no latency', () => {
    // Stored, it says, at 20 s, but our search had listed it by 13.3 s.
    expect(latencyInterval({ ...base, internalDate: 20_000, seenAt: 13_300 })).toEqual({ latency: null, clockSkewMs: -6700 });
  });

  it('falls back to the receiving hop Received stamp without INTERNALDATE', () => {
    expect(latencyInterval({ ...base, sentAt: 10_000, sendStartedAt: 9_900, receivingHop: { at: 12_000, resolutionMs: 1000 } }).latency).toMatchObject({
      latencyLowMs: 2000,
      latencyHighMs: 3000,
      latencySource: 'received',
    });
    expect(latencyInterval({ ...base, sentAt: 10_000, sendStartedAt: 9_900, receivingHop: { at: 12_345, resolutionMs: 1 } }).latency).toMatchObject({
      latencyLowMs: 2345,
      latencyHighMs: 2346,
    });
  });

  it('without the start of our transaction bounds the arrival from our side only by the search', () => {
    expect(latencyInterval({ ...base, sendStartedAt: null, internalDate: 5_000, seenAt: 13_299 })).toEqual({
      latency: { latencyMs: 0, latencyErrorMs: 0, latencyLowMs: 0, latencyHighMs: 0, latencySource: 'internaldate' },
      clockSkewMs: null,
    });
    expect(latencyInterval({ ...base, sendStartedAt: null, internalDate: 20_000, seenAt: 13_299 }).clockSkewMs).toBe(-6701);
  });

  it('claims nothing without a 250 time or a receiver stamp', () => {
    expect(latencyInterval({ ...base, sentAt: null, internalDate: 13_000 })).toEqual({ latency: null, clockSkewMs: null });
    expect(latencyInterval(base)).toEqual({ latency: null, clockSkewMs: null });
  });

  it('always contains the true latency when the clocks agree', () => {
    let seed = 11;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const sendStartedAt = 1_000_000 + Math.floor(random() * 5000);
      const sentAt = sendStartedAt + Math.floor(random() * 300);
      // Some relays hand the message on before their 250: the store may come before sentAt.
      const stored = sendStartedAt + random() * 6000;
      const accepted = stored - random() * Math.min(stored - sendStartedAt, 2000);
      const seenAt = Math.floor(stored + random() * 1500);
      const verdict = latencyInterval({
        sentAt,
        sendStartedAt,
        internalDate: Math.floor(stored / 1000) * 1000,
        receiverStamps: [{ at: Math.floor(accepted), resolutionMs: 1 }],
        seenAt,
      });
      const truth = Math.max(0, stored - sentAt);
      expect(verdict.clockSkewMs).toBeNull();
      expect(truth).toBeGreaterThanOrEqual(verdict.latency!.latencyLowMs);
      expect(truth).toBeLessThanOrEqual(verdict.latency!.latencyHighMs);
      expect(Math.abs(truth - verdict.latency!.latencyMs)).toBeLessThanOrEqual(verdict.latency!.latencyErrorMs);
    }
  });
});

describe('midpoint', () => {
  it('rounds to whole milliseconds and widens the error to keep both ends', () => {
    expect(midpoint(0, 1)).toEqual({ value: 1, errorMs: 1 });
    expect(midpoint(2600, 3600)).toEqual({ value: 3100, errorMs: 500 });
  });
});

describe('isLate', () => {
  const wait = { sentAt: 0, testStartedAt: 0, seenAt: 100_000, lateAfterMs: 900_000 };
  const latency = (ms: number) => ({ latencyMs: ms, latencyErrorMs: 500, latencyLowMs: ms - 500, latencyHighMs: ms + 500, latencySource: 'internaldate' as const });

  it('compares the latency midpoint with lateAfter', () => {
    expect(isLate(latency(900_400), wait)).toBe(true);
    expect(isLate(latency(899_500), wait)).toBe(false);
  });

  it('uses our own wait without a latency', () => {
    expect(isLate(null, { ...wait, sentAt: null, seenAt: 950_000 })).toBe(true);
    expect(isLate(null, { ...wait, seenAt: 850_000 })).toBe(false);
  });
});
