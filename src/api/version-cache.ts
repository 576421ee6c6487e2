import type { Context, MiddlewareHandler, Next } from 'hono';

/**
 * A token that changes whenever the stored data may have changed: on every write through this process and
 * on every commit by another connection. Where a runtime cannot offer one (D1, written by other isolates),
 * nothing is cached.
 */
export type DataVersion = () => Promise<string>;

/** What else an answer depends on besides its URL and the stored data (e.g. the scheduler's job states). */
export type ExtraKey = () => Promise<string>;

/** Read-only answers kept for as long as the data they were computed from has not changed. */
export interface VersionCache {
  /** For a GET whose answer depends only on its URL, the stored data and `extra`. */
  byUrl(extra?: ExtraKey): MiddlewareHandler;
  /** For a GET that defaults its range to now: kept only when the URL names both `from` and `to`. */
  byRange(extra?: ExtraKey): MiddlewareHandler;
}

/** Bounds the memory a burst of distinct URLs can take; the oldest answer goes first. */
const CAPACITY = 200;

class NotCacheable extends Error {}

interface Answer {
  body: ArrayBuffer;
  type: string;
}

export function versionCache(version: DataVersion | undefined): VersionCache {
  if (!version) return { byUrl: () => (_c, next) => next(), byRange: () => (_c, next) => next() };
  const dataVersion = version;
  const entries = new Map<string, { version: string; answer: Promise<Answer> }>();

  // Kept under the version read before computing: a write while it computes moves the version, so an answer
  // that may have missed that write is never found again. Concurrent requests for the same key share one
  // computation.
  async function kept(key: string, compute: () => Promise<Answer>): Promise<Answer> {
    const at = await dataVersion();
    const hit = entries.get(key);
    if (hit?.version === at) return hit.answer;
    const answer = compute();
    entries.delete(key);
    entries.set(key, { version: at, answer });
    if (entries.size > CAPACITY) entries.delete(entries.keys().next().value as string);
    answer.catch(() => {
      if (entries.get(key)?.answer === answer) entries.delete(key);
    });
    return answer;
  }

  async function respond(c: Context, next: Next, extra: ExtraKey | undefined): Promise<Response | void> {
    let ran = false;
    const run = async (): Promise<Answer> => {
      ran = true;
      await next();
      if (c.res.status !== 200) throw new NotCacheable();
      // Kept as bytes, so serving it again encodes nothing.
      return { body: await c.res.clone().arrayBuffer(), type: c.res.headers.get('content-type') ?? 'application/json' };
    };
    try {
      const answer = await kept(`${c.req.url}\u0000${extra ? await extra() : ''}`, run);
      if (!ran) return c.body(answer.body, 200, { 'content-type': answer.type });
    } catch (error) {
      if (!(error instanceof NotCacheable)) throw error;
      if (!ran) await next();
    }
  }

  const ranged = (c: Context) => c.req.query('from') !== undefined && c.req.query('to') !== undefined;
  return {
    byUrl: (extra) => (c, next) => (c.req.method === 'GET' ? respond(c, next, extra) : next()),
    byRange: (extra) => (c, next) => (c.req.method === 'GET' && ranged(c) ? respond(c, next, extra) : next()),
  };
}
