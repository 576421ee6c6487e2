import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { listAuditedDomains, listAudits, listChanges } from '../../audit/store.js';
import { domainCards, latestAuditByArea } from '../../dashboard/domains.js';
import { auditStatusChanges } from '../../dashboard/timeline.js';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { count, instant, noQuery, parseQuery, query, queryOf, rangeQuery } from '../params.js';

const range = query(
  z
    .object({ from: instant.optional(), to: instant.optional(), limit: count(1, 500).default(50) })
    .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'must not be after to', path: ['from'] }),
);

const domainParam = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?$/i, 'expected a domain name such as example.com');

/** At most this many status changes and record changes on a domain's page. */
const HISTORY_LIMIT = 500;

/** Audited domains, their audit history (with check results) and their DNS record changes. */
export function domainsRoutes(deps: AppDeps) {
  const charted = rangeQuery(deps.now);
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', deps.cache.byUrl(), noQuery(), async (c) => c.json({ domains: await listAuditedDomains(deps.db) }))
    .get('/cards', deps.cache.byUrl(), noQuery(), async (c) => c.json({ domains: await domainCards(deps.db, 3) }))
    .get('/:domain', deps.cache.byRange(), queryOf(charted), async (c) => {
      const domain = parseDomain(c.req.param('domain'));
      const { from, to } = c.req.valid('query');
      const [latest, history, changes] = await Promise.all([
        latestAuditByArea(deps.db, domain),
        auditStatusChanges(deps.db, { domain, from, to, limit: HISTORY_LIMIT }),
        listChanges(deps.db, { domain, from, to, limit: HISTORY_LIMIT }),
      ]);
      if (!latest) throw new HTTPException(404, { message: `${domain} has not been audited` });
      return c.json({ domain, from, to, ...latest, history, changes });
    })
    .get('/:domain/audits', deps.cache.byUrl(), range, async (c) => {
      const domain = parseDomain(c.req.param('domain'));
      const { from, to, limit } = c.req.valid('query');
      return c.json({ domain, audits: await listAudits(deps.db, domain, { from, to, limit }) });
    })
    .get('/:domain/changes', deps.cache.byUrl(), range, async (c) => {
      const domain = parseDomain(c.req.param('domain'));
      const { from, to, limit } = c.req.valid('query');
      return c.json({ domain, changes: await listChanges(deps.db, { domain, from, to, limit }) });
    });
}

function parseDomain(value: string): string {
  return parseQuery(z.strictObject({ domain: domainParam }), { domain: value }).domain.toLowerCase().replace(/\.$/, '');
}
