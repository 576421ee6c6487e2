import { Hono } from 'hono';
import { ConfigError } from '../../config/errors.js';
import { parseConfigText } from '../../config/parse.js';
import { latestConfigVersion, listConfigVersions, saveConfigVersion } from '../../config/versions.js';
import { secretPaths } from '../../config/worker-document.js';
import type { Sql } from '../../store/sql.js';
import { requireRole, type AuthVariables } from '../bearer-tokens.js';
import { noQuery } from '../params.js';

/** A pushed configuration is YAML of a few kilobytes; anything near this is not one. */
const MAX_CONFIG_BYTES = 256 * 1024;

/**
 * The configuration of a deployment that has no config file (Workers): pushed by `inboxwatch config push`,
 * validated exactly as a file is, kept in versions.
 */
export function configVersionRoutes(deps: { db: Sql; now: () => number }) {
  return new Hono<{ Variables: AuthVariables }>()
    // Admins only: the YAML holds webhook URLs, which are credentials at many receivers.
    .get('/', requireRole('admin'), noQuery(), async (c) => {
      const latest = await latestConfigVersion(deps.db);
      if (!latest) return c.json({ error: 'no configuration has been pushed yet; run `inboxwatch config push --server URL`' }, 404);
      return c.json({ version: latest.id, pushedAt: latest.pushedAt, pushedBy: latest.pushedBy, yaml: latest.yaml });
    })
    .get('/versions', noQuery(), async (c) => c.json({ versions: await listConfigVersions(deps.db, 50) }))
    .put('/', requireRole('admin'), noQuery(), async (c) => {
      const text = await c.req.text();
      if (new TextEncoder().encode(text).byteLength > MAX_CONFIG_BYTES) return c.json({ error: `body: larger than ${MAX_CONFIG_BYTES} bytes` }, 413);
      let secrets: string[];
      try {
        // No environment: a pushed document must not depend on the pusher's variables.
        secrets = secretPaths(parseConfigText(text, 'pushed configuration', {}));
      } catch (error) {
        if (error instanceof ConfigError) return c.json({ error: 'invalid configuration', detail: error.message }, 400);
        throw error;
      }
      if (secrets.length > 0) {
        return c.json({ error: `the configuration holds secrets, which are never stored: remove ${secrets.join(', ')} (set them as secrets of the deployment)` }, 400);
      }
      const version = await saveConfigVersion(deps.db, { yaml: text, pushedAt: deps.now(), pushedBy: c.get('caller').name });
      return c.json({ version }, 201);
    });
}
