import { Hono } from 'hono';
import { z } from 'zod';
import { listAuditedDomains, listAudits, listChanges } from '../../audit/store.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { parseQuery } from '../params.js';

const range = z
  .strictObject({
    from: z.coerce.number().int().min(0).optional(),
    to: z.coerce.number().int().min(0).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'must not be after to', path: ['from'] });

const domainParam = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?$/i, 'expected a domain name such as example.com');

/** Audited domains, their audit history (with check results) and their DNS record changes. */
export function domainsRoutes(deps: AppDeps) {
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', async (c) => c.json({ domains: await listAuditedDomains(deps.db) }))
    .get('/:domain/audits', async (c) => {
      const domain = parseDomain(c.req.param('domain'));
      const { from, to, limit } = parseQuery(range, c.req.query());
      return c.json({ domain, audits: await listAudits(deps.db, domain, { from, to, limit }) });
    })
    .get('/:domain/changes', async (c) => {
      const domain = parseDomain(c.req.param('domain'));
      const { from, to, limit } = parseQuery(range, c.req.query());
      return c.json({ domain, changes: await listChanges(deps.db, { domain, from, to, limit }) });
    });
}

function parseDomain(value: string): string {
  return parseQuery(z.strictObject({ domain: domainParam }), { domain: value }).domain.toLowerCase().replace(/\.$/, '');
}
