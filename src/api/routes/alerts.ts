import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { validator } from 'hono/validator';
import { z } from 'zod';
import { acknowledgeIncident, attemptsOf, deliverySummaries, getIncident, listIncidents, notificationsOfIncident, silenceIncident } from '../../alerts/store.js';
import type { Incident, Notification, NotificationKind } from '../../alerts/types.js';
import { parseDuration } from '../../config/duration.js';
import type { AppDeps } from '../app.js';
import { requireRole, type AuthVariables } from '../bearer-tokens.js';
import { instant, noQuery, query } from '../params.js';

/** `before` pages; a dashboard range (`from`, `to`) keeps resolved incidents still open at or after `from` that started before `to`. */
const listQuery = z
  .object({
    state: z.enum(['firing', 'resolved']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    before: z.coerce.number().int().min(0).optional(),
    from: instant.optional(),
    to: instant.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { path: ['from'], message: 'must be before to' });

/** Silence until a time (ISO 8601 or epoch ms), or for a duration from now ("2h"). */
const silenceBody = z.union([
  z.strictObject({ until: z.union([z.iso.datetime({ offset: true }), z.number().int().min(0)]) }),
  z.strictObject({ for: z.string().refine((v) => parseDuration(v) !== undefined, 'expected a duration such as 30m, 2h or 1d') }),
]);

// Typed for the dashboard's client; a body that is not JSON reaches the check as nothing and is refused by it.
const silenceValidator = validator('json', (value: unknown) => {
  const parsed = silenceBody.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  throw new HTTPException(400, { message: `${field}: ${issue?.code === 'invalid_union' ? 'expected {"until": time} or {"for": duration}' : (issue?.message ?? 'invalid')}` });
});

const testBody = z.strictObject({ channel: z.string().min(1) });

const testValidator = validator('json', (value: unknown) => {
  const parsed = testBody.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new HTTPException(400, { message: 'body: expected {"channel": name}, a channel name from alerts.channels' });
});

const incidentId = z.coerce.number().int().min(1);

/** What the API shows of an incident: its state and evidence, without the bookkeeping of flap counters. */
function present(incident: Incident) {
  const { badCount: _bad, goodCount: _good, lastFact: _fact, observation, ...rest } = incident;
  return { ...rest, summary: observation.summary, evidence: observation.evidence, actions: observation.actions, link: observation.link };
}

/** What a notification said about this incident: that it fired, repeated or resolved. */
function eventOf(notification: Notification, incidentId: number): NotificationKind | null {
  return notification.kind === 'alert' ? (notification.items.find((item) => item.incidentId === incidentId)?.kind ?? null) : null;
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

  return new Hono<{ Variables: AuthVariables }>()
    .get('/', deps.cache.byUrl(), query(listQuery), async (c) => {
      const { state, limit, before, from, to } = c.req.valid('query');
      const startedBefore = before === undefined ? to : to === undefined ? before : Math.min(before, to);
      const incidents = await listIncidents(deps.db, { state, limit, before: startedBefore, resolvedSince: from });
      const deliveries = await deliverySummaries(deps.db, incidents.map((i) => i.id));
      const none = { delivered: 0, pending: 0, failed: 0, failedChannels: [] };
      return c.json({ incidents: incidents.map((i) => ({ ...present(i), notifications: deliveries.get(i.id) ?? none })) });
    })
    .get('/:id', deps.cache.byUrl(), noQuery(), async (c) => {
      const incident = await found(idOf(c.req.param('id')));
      const entries = await notificationsOfIncident(deps.db, incident.id);
      const notifications = await Promise.all(
        entries.map(async (n) => ({
          id: n.id,
          channel: n.channel,
          event: eventOf(n.notification, incident.id),
          status: n.status,
          attempts: n.attempts,
          createdAt: n.createdAt,
          deliveredAt: n.deliveredAt,
          nextAttemptAt: n.status === 'pending' ? n.nextAttemptAt : null,
          lastError: n.lastError,
          history: await attemptsOf(deps.db, n.id),
        })),
      );
      return c.json({ incident: present(incident), notifications });
    })
    // A test notification through one channel, sent before answering: 200 when it arrived, 502 with the
    // channel's error when it did not (the attempt is recorded in the outbox either way).
    .post('/test', requireRole('admin'), noQuery(), testValidator, async (c) => {
      if (!deps.testChannel) throw new HTTPException(501, { message: 'this server does not send alert notifications' });
      const { channel } = c.req.valid('json');
      const outcome = await deps.testChannel(channel);
      if (outcome.status === 'unknown') {
        const known = outcome.channels.length > 0 ? `channels are ${outcome.channels.join(', ')}` : 'alerts.channels is empty';
        throw new HTTPException(404, { message: `channel: unknown channel "${channel}"; ${known}` });
      }
      return outcome.status === 'delivered' ? c.json({ channel, delivered: true }, 200) : c.json({ channel, delivered: false, error: outcome.error }, 502);
    })
    .post('/:id/silence', requireRole('admin'), noQuery(), silenceValidator, async (c) => {
      const id = idOf(c.req.param('id'));
      const silence = c.req.valid('json');
      const at = now();
      const until = 'for' in silence ? at + (parseDuration(silence.for) as number) : typeof silence.until === 'number' ? silence.until : Date.parse(silence.until);
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
