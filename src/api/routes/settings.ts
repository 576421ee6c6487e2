import { Hono } from 'hono';
import type { AppDeps } from '../app.js';
import type { AuthVariables } from '../bearer-tokens.js';
import { jobStates } from './jobs.js';
import { noQuery } from '../params.js';

/** The running configuration with its secrets redacted, the job schedules, and the alert channels. */
export function settingsRoutes(deps: AppDeps) {
  return new Hono<{ Variables: AuthVariables }>().get('/', noQuery(), async (c) =>
    c.json({
      config: deps.settings,
      jobs: await jobStates(deps),
      channels: deps.channels ?? [],
      // Whether `POST /api/alerts/test` can send here.
      channelTests: deps.testChannel !== undefined,
      caller: { name: c.get('caller').name, role: c.get('caller').role },
    }),
  );
}
