import type { Context, MiddlewareHandler, Next } from 'hono';

/**
 * A token that changes whenever the stored data may have changed: on every write through this process and
 * on every commit by another connection. Where a runtime cannot offer one (D1, written by other isolates),
 * nothing is cached.
 */
export type DataVersion = () => Promise<string>;

/** Answers kept for as long as the data they were computed from has not changed. */
export interface VersionCache {
  /** The value for `key` at the current data version: computed once per version, shared by concurrent callers. */
  value<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** For a GET whose answer depends only on its URL and the stored data. */
  byUrl: MiddlewareHandler;
  /** For a GET that defaults its range to now: cached only when the URL names both `from` and `to`. */
  byRange: MiddlewareHandler;
}

/** Bounds the memory a burst of distinct URLs can take; the oldest answer goes first. */
const CAPACITY = 200;

class NotCacheable extends Error {}

export function versionCache(version: DataVersion | undefined): VersionCache {
  if (!version) return { value: (_key, compute) => compute(), byUrl: (_c, next) => next(), byRange: (_c, next) => next() };
  const entries = new Map<string, { version: string; value: Promise<unknown> }>();

  // Kept under the version read before computing: a write while it computes moves the version, so an answer
  // that may have missed that write is never found again.
  async function value<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const at = await version!();
    const hit = entries.get(key);
    if (hit?.version === at) return hit.value as Promise<T>;
    const pending = compute();
    entries.delete(key);
    entries.set(key, { version: at, value: pending });
    if (entries.size > CAPACITY) entries.delete(entries.keys().next().value as string);
    pending.catch(() => {
      if (entries.get(key)?.value === pending) entries.delete(key);
    });
    return pending;
  }

  async function respond(c: Context, next: Next): Promise<Response | void> {
    let ran = false;
    const run = async () => {
      ran = true;
      await next();
      if (c.res.status !== 200) throw new NotCacheable();
      // Kept as bytes, so serving it again encodes nothing.
      return { body: new Uint8Array(await c.res.clone().arrayBuffer()), type: c.res.headers.get('content-type') ?? 'application/json' };
    };
    try {
      const answer = await value(`${c.req.method} ${c.req.url}`, run);
      if (!ran) return c.body(answer.body, 200, { 'content-type': answer.type });
    } catch (error) {
      if (!(error instanceof NotCacheable)) throw error;
      if (!ran) await next();
    }
  }

  return {
    value,
    byUrl: (c, next) => (c.req.method === 'GET' ? respond(c, next) : next()),
    byRange: (c, next) => (c.req.method === 'GET' && c.req.query('from') !== undefined && c.req.query('to') !== undefined ? respond(c, next) : next()),
  };
}
