import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ApiToken } from '../api/bearer-tokens.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';

/**
 * The API tokens a server accepts. With none configured, a first start must still be usable, so an
 * admin token is generated once into a 0600 file beside the database; the log names the file, never the token.
 */
export function resolveTokens(config: Config, log: Logger): ApiToken[] {
  if (config.server.tokens.length > 0) return config.server.tokens;
  const file = tokenFile(config);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
    log.info('no server.tokens configured: generated an admin API token', { file });
  } else {
    log.info('no server.tokens configured: using the generated admin API token', { file });
  }
  return [{ name: 'generated-admin', token: readFileSync(file, 'utf8').trim(), role: 'admin' }];
}

export function tokenFile(config: Config): string {
  const base = config.database === ':memory:' ? process.cwd() : dirname(config.database);
  return join(base, 'api-token');
}
