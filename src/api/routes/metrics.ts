import type { Context } from 'hono';
import { renderMetrics } from '../../alerts/metrics.js';
import { metricsSnapshot } from '../../alerts/store.js';
import type { Sql } from '../../store/sql.js';

/** `GET /metrics`: the Prometheus text format, read from the store on every scrape. */
export function metricsHandler(deps: { db: Sql; now?: () => number }) {
  return async (c: Context) => {
    const text = renderMetrics(await metricsSnapshot(deps.db, (deps.now ?? Date.now)()));
    return c.body(text, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  };
}
