/** Retry timing for a seed mailbox we cannot read; pure, so the schedule can be tested without waiting. */

export interface Backoff {
  baseMs: number;
  capMs: number;
}

/** From 1 s up to 5 minutes between tries: a provider sees a handful of logins an hour, not a storm. */
export const SEED_BACKOFF: Backoff = { baseMs: 1_000, capMs: 5 * 60_000 };

/**
 * The wait before retry `attempt` (1 for the first retry): doubling from the base up to the cap, then
 * shortened by up to half at random so seeds failing together do not retry in step.
 */
export function retryDelay(attempt: number, random: () => number, backoff: Backoff = SEED_BACKOFF): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}
