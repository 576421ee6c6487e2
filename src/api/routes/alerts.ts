import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import { acknowledgeIncident, getIncident, listIncidents, notificationsOfIncident, silenceIncident } from '../../alerts/store.js';
import type { Incident } from '../../alerts/types.js';
import { parseDuration } from '../../config/duration.js';
import type { AppDeps } from '../app.js';
import { requireRole, type AuthVariables } from '../bearer-tokens.js';
import { noQuery, query } from '../params.js';

const listQuery = z.object({
  state: z.enum(['firing', 'resolved']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().min(0).optional(),
});

/** Silence until a time (ISO 8601 or epoch ms), or for a duration from now ("2h"). */
const silenceBody = z.union([
  z.strictObject({ until: z.union([z.iso.datetime({ offset: true }), z.number().int().min(0)]) }),
  z.strictObject({ for: z.string().refine((v) => parseDuration(v) !== undefined, 'expected a duration such as 30m, 2h or 1d') }),
]);

const incidentId = z.coerce.number().int().min(1);

/** What the API shows of an incident: its state and evidence, without the bookkeeping of flap counters. */
function present(incident: Incident) {
  const { badCount: _bad, goodCount: _good, lastFact: _fact, observation, ...rest } = incident;
  return { ...rest, summary: observation.summary, evidence: observation.evidence, actions: observation.actions, link: observation.link };
}

export function alertsRoutes(deps: AppDeps) {
  const now = deps.now ?? Date.now;
  const idOf = (text: string): number => {
    const parsed = incidentId.safeParse(text);
    if (!parsed.success) throw new HTTPException(400, { message: 'id: expected an incident id' });
    return parsed.data;
  };
  const found = async (id: number): Promise<Incident> => {
    const incident = await getIncident(deps.db, id);
    if (!incident || incident.state === 'pending') throw new HTTPException(404, { message: `no incident ${id}` });
    return incident;
  };
  const body = async (request: Request): Promise<unknown> => {
    try {
      return await request.json();
    } catch {
      throw new HTTPException(400, { message: 'body: expected a JSON object' });
    }
  };

  return new Hono<{ Variables: AuthVariables }>()
    .get('/', query(listQuery), async (c) => {
      const { state, limit, before } = c.req.valid('query');
      return c.json({ incidents: (await listIncidents(deps.db, { state, limit, before })).map(present) });
    })
    .get('/:id', noQuery(), async (c) => {
      const incident = await found(idOf(c.req.param('id')));
      const notifications = (await notificationsOfIncident(deps.db, incident.id)).map((n) => ({
        id: n.id,
        channel: n.channel,
        status: n.status,
        attempts: n.attempts,
        createdAt: n.createdAt,
        deliveredAt: n.deliveredAt,
        lastError: n.lastError,
      }));
      return c.json({ incident: present(incident), notifications });
    })
    .post('/:id/silence', requireRole('admin'), noQuery(), async (c) => {
      const id = idOf(c.req.param('id'));
      const parsed = silenceBody.safeParse(await body(c.req.raw));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue?.path.map(String).join('.') || 'body';
        throw new HTTPException(400, { message: `${field}: ${issue?.code === 'invalid_union' ? 'expected {"until": time} or {"for": duration}' : (issue?.message ?? 'invalid')}` });
      }
      const at = now();
      const until = 'for' in parsed.data ? at + (parseDuration(parsed.data.for) as number) : typeof parsed.data.until === 'number' ? parsed.data.until : Date.parse(parsed.data.until);
      if (until <= at) throw new HTTPException(400, { message: 'until: must be in the future' });
      await found(id);
      await silenceIncident(deps.db, id, until);
      return c.json({ incident: present(await found(id)) });
    })
    .post('/:id/ack', requireRole('admin'), noQuery(), async (c) => {
      const id = idOf(c.req.param('id'));
      await found(id);
      await acknowledgeIncident(deps.db, id, c.get('caller').name, now());
      return c.json({ incident: present(await found(id)) });
    });
}
