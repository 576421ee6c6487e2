import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ApiToken } from '../api/bearer-tokens.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { ensurePrivateDir, openToOthers } from './files.js';

/**
 * The API tokens a server accepts. With none configured, a first start must still be usable, so an
 * admin token is generated once into a 0600 file beside the database; the log names the file, never the token.
 */
export function resolveTokens(config: Config, log: Logger): ApiToken[] {
  if (config.server.tokens.length > 0) return config.server.tokens;
  const file = tokenFile(config);
  if (!existsSync(file)) {
    ensurePrivateDir(dirname(file));
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    log.info('no server.tokens configured: generated an admin API token', { file });
  } else {
    log.info('no server.tokens configured: using the generated admin API token', { file });
  }
  return [{ name: 'generated-admin', token: readGeneratedToken(file), role: 'admin' }];
}

/** The generated token, refused when others could have read it or when it is too short to be a secret. */
function readGeneratedToken(file: string): string {
  const loose = openToOthers(file);
  if (loose !== 0) {
    throw new TokenFileError(file, `is readable or writable by group or others (mode ${(0o600 | loose).toString(8).padStart(4, '0')}), so the admin token in it may be known; run \`chmod 600 ${file}\`, or delete it to have a new token generated`);
  }
  const token = readFileSync(file, 'utf8').trim();
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new TokenFileError(file, `holds a token of ${token.length} characters; at least ${MIN_TOKEN_LENGTH} are needed: delete the file to have a new token generated, or write a longer one into it`);
  }
  return token;
}

/** Same floor as server.tokens in the configuration. */
const MIN_TOKEN_LENGTH = 16;

export class TokenFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`API token file ${file} ${problem}`);
    this.name = 'TokenFileError';
  }
}

export function tokenFile(config: Config): string {
  const base = config.database === ':memory:' ? process.cwd() : dirname(config.database);
  return join(base, 'api-token');
}
