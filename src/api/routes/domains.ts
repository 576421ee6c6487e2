import { Hono } from 'hono';
import { z } from 'zod';
import { listAuditedDomains, listAudits, listChanges } from '../../audit/store.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { count, instant, noQuery, parseQuery, query } from '../params.js';

const range = query(
  z
    .object({ from: instant.optional(), to: instant.optional(), limit: count(1, 500).default(50) })
    .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'must not be after to', path: ['from'] }),
);

const domainParam = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?$/i, 'expected a domain name such as example.com');

/** Audited domains, their audit history (with check results) and their DNS record changes. */
export function domainsRoutes(deps: AppDeps) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', noQuery(), async (c) => c.json({ domains: await listAuditedDomains(deps.db) }))
    .get('/:domain/audits', range, async (c) => {
      const domain = parseDomain(c.req.param('domain'));
      const { from, to, limit } = c.req.valid('query');
      return c.json({ domain, audits: await listAudits(deps.db, domain, { from, to, limit }) });
    })
    .get('/:domain/changes', range, async (c) => {
      const domain = parseDomain(c.req.param('domain'));
      const { from, to, limit } = c.req.valid('query');
      return c.json({ domain, changes: await listChanges(deps.db, { domain, from, to, limit }) });
    });
}

function parseDomain(value: string): string {
  return parseQuery(z.strictObject({ domain: domainParam }), { domain: value }).domain.toLowerCase().replace(/\.$/, '');
}
