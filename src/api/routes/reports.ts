import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { listRejected, passRateByDay, rejectedContent, reportDomains } from '../../reports/store.js';
import { reportsView, sourcesView } from '../../reports/views.js';
import type { AppDeps } from '../app.js';
import { requireRole, type AuthVariables } from '../bearer-tokens.js';
import { noQuery, parseQuery, query } from '../params.js';

const DAY = 86_400_000;
const domain = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?$/i, 'expected a domain name such as example.com')
  .transform((d) => d.toLowerCase().replace(/\.$/, ''));
const period = {
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
};
const withDefaults = <T extends { from?: number; to?: number }>(q: T, now: number) => ({ ...q, from: q.from ?? now - 30 * DAY, to: q.to ?? now + DAY });
const ordered = (q: { from?: number; to?: number }) => q.from === undefined || q.to === undefined || q.from <= q.to;

const listQuery = z.object({ domain: domain.optional(), ...period }).refine(ordered, { path: ['from'], message: 'must not be after to' });
const sourcesQuery = z.object({ domain, ...period }).refine(ordered, { path: ['from'], message: 'must not be after to' });
const periodQuery = z.object(period).refine(ordered, { path: ['from'], message: 'must not be after to' });
const uploadQuery = z.object({ name: z.string().min(1).max(255).optional() });

/** DMARC, TLS and failure reports; sources by provider and IP; uploads of report files (admin). */
export function reportsRoutes(deps: AppDeps) {
  const now = deps.now;
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', deps.cache.byRange(), query(listQuery), async (c) => c.json(await reportsView(deps.db, withDefaults(c.req.valid('query'), now()))))
    .get('/sources', deps.cache.byRange(), query(sourcesQuery), async (c) => c.json(await sourcesView(deps.db, withDefaults(c.req.valid('query'), now()))))
    .get('/domains', deps.cache.byRange(), query(periodQuery), async (c) => {
      const period = withDefaults(c.req.valid('query'), now());
      return c.json({ ...period, domains: await reportDomains(deps.db, period) });
    })
    .get('/daily', deps.cache.byRange(), query(sourcesQuery), async (c) => {
      const q = withDefaults(c.req.valid('query'), now());
      return c.json({ ...q, days: await passRateByDay(deps.db, q) });
    })
    .get('/rejected', deps.cache.byRange(), query(periodQuery), async (c) => {
      const period = withDefaults(c.req.valid('query'), now());
      return c.json({ ...period, rejected: await listRejected(deps.db, { since: period.from }) });
    })
    .get('/rejected/:id', noQuery(), async (c) => {
      const { id } = parseQuery(z.strictObject({ id: z.coerce.number().int().min(1) }), { id: c.req.param('id') });
      const kept = await rejectedContent(deps.db, id);
      if (!kept) throw new HTTPException(404, { message: `no kept content for rejected file ${id}` });
      return c.body(kept.content as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/octet-stream' });
    })
    .post(
      '/',
      requireRole('admin'),
      query(uploadQuery),
      bodyLimit({
        maxSize: deps.reports?.maxUploadBytes ?? 0,
        onError: (c) => c.json({ error: `body: larger than ${deps.reports?.maxUploadBytes ?? 0} bytes (reports.limits.maxCompressed)` }, 413),
      }),
      async (c) => {
        const reports = deps.reports;
        if (!reports) throw new HTTPException(501, { message: 'this server does not take report uploads' });
        const { name } = c.req.valid('query');
        const bytes = new Uint8Array(await c.req.arrayBuffer());
        if (bytes.length === 0) throw new HTTPException(400, { message: 'body: expected a report file (gzip, zip, XML, JSON or a mail message)' });
        const files = await reports.import(name ?? 'upload', bytes);
        return c.json({ files }, files.some((f) => f.status === 'rejected') ? 422 : 200);
      },
    );
}
