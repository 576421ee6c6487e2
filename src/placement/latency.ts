/**
 * Delivery latency as an interval. Receivers stamp times coarsely (INTERNALDATE has whole seconds) and by
 * their own clocks, we stamp ours to the millisecond: the arrival is bounded from both sides and latency is
 * reported as the midpoint of what the bounds allow, with the half-width as its error. Plain functions.
 */

/** A receiver's timestamp of an event that happened in [at, at + resolutionMs), by the receiver's clock. */
export interface Stamp {
  at: number;
  resolutionMs: number;
}

export const WHOLE_SECOND = 1000;

export interface LatencyInput {
  /** When the provider answered 250 to our DATA, by our clock; null when unknown (no latency then). */
  sentAt: number | null;
  /** When our SMTP transaction started, by our clock: nothing can have arrived before it. */
  sendStartedAt: number | null;
  /** INTERNALDATE, the receiver's store time (whole seconds). */
  internalDate?: number;
  /** The receiving hop's Received stamp: the arrival when there is no INTERNALDATE. */
  receivingHop?: Stamp;
  /**
   * Received stamps the receiver wrote at or after accepting the message (the receiving hop and the hops
   * above it): each happened no later than the store, so a finer one raises the lower bound.
   */
  receiverStamps: readonly Stamp[];
  /** When the search that listed the message returned, by our clock: it had arrived by then. */
  seenAt: number;
}

export interface Latency {
  /** The midpoint of the latency interval. */
  latencyMs: number;
  /** Half the interval's width, rounded up: the true latency is within latencyMs ± latencyErrorMs. */
  latencyErrorMs: number;
  latencyLowMs: number;
  latencyHighMs: number;
  latencySource: 'internaldate' | 'received';
}

export interface LatencyVerdict {
  latency: Latency | null;
  /**
   * At least how far the receiver's clock is behind ours (positive) or ahead of it (negative): its arrival
   * stamp cannot be reconciled with when we sent and when we saw the message. Never a latency.
   */
  clockSkewMs: number | null;
}

/** The interval [low, high] as a midpoint and the smallest error that keeps both ends inside. */
export function midpoint(low: number, high: number): { value: number; errorMs: number } {
  const value = Math.round((low + high) / 2);
  return { value, errorMs: Math.max(high - value, value - low) };
}

/**
 * The arrival lies in the receiver's stamp interval and, by our clock, between the start of our SMTP
 * transaction and the moment our search listed it. Clocks that agree make these overlap; when they do not,
 * the receiver's clock is off by at least the gap and no latency is claimed. Received stamps narrow the
 * lower bound only where they fit inside what is already known (one that does not is a receiver clock we
 * cannot trust, not evidence). A message the receiver stored before the provider's 250 (relays that answer
 * only after handing it on) has a latency of 0.
 */
export function latencyInterval(input: LatencyInput): LatencyVerdict {
  const arrival: (Stamp & { source: Latency['latencySource'] }) | undefined =
    input.internalDate !== undefined
      ? { at: input.internalDate, resolutionMs: WHOLE_SECOND, source: 'internaldate' }
      : input.receivingHop && { ...input.receivingHop, source: 'received' };
  if (input.sentAt === null || arrival === undefined) return { latency: null, clockSkewMs: null };
  // Without the transaction's start only the upper bound is ours: the 250 may come after the delivery.
  const earliest = input.sendStartedAt ?? Number.NEGATIVE_INFINITY;
  // Our clock has whole milliseconds too: the search returned before the end of the one seenAt names.
  const latest = input.seenAt + 1;
  const stampEnd = arrival.at + arrival.resolutionMs;
  if (arrival.at >= latest) return { latency: null, clockSkewMs: input.seenAt - arrival.at };
  if (stampEnd <= earliest) return { latency: null, clockSkewMs: earliest - stampEnd };

  let low = Math.max(arrival.at, earliest);
  const high = Math.min(stampEnd, latest);
  // The receiving hop's own stamp is the arrival itself when it is the source; it bounds nothing further.
  if (arrival.source === 'internaldate') {
    for (const stamp of input.receiverStamps) if (stamp.at > low && stamp.at < high) low = stamp.at;
  }
  const lowMs = Math.max(0, low - input.sentAt);
  const highMs = Math.max(0, high - input.sentAt);
  const { value, errorMs } = midpoint(lowMs, highMs);
  return {
    latency: { latencyMs: value, latencyErrorMs: errorMs, latencyLowMs: lowMs, latencyHighMs: highMs, latencySource: arrival.source },
    clockSkewMs: null,
  };
}

/** Late when the latency (its midpoint), or without one the wait until we found it, passed lateAfter. */
export function isLate(latency: Latency | null, wait: { sentAt: number | null; testStartedAt: number; seenAt: number; lateAfterMs: number }): boolean {
  const waited = latency?.latencyMs ?? wait.seenAt - (wait.sentAt ?? wait.testStartedAt);
  return waited > wait.lateAfterMs;
}
