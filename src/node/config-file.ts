import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from '../config/errors.js';
import { parseConfigText } from '../config/parse.js';
import type { Config } from '../config/schema.js';

export const DEFAULT_CONFIG_FILE = 'inboxwatch.yaml';

export interface LoadedConfig {
  config: Config;
  /** The file it came from, or undefined when none exists and defaults apply. */
  file: string | undefined;
}

export interface LoadOptions {
  /** `--config FILE`; falls back to `INBOXWATCH_CONFIG`, then `./inboxwatch.yaml`. */
  file?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/**
 * Finds, reads, substitutes and validates the configuration. A missing default file means
 * "no configuration yet" and yields defaults; a file named explicitly must exist.
 */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = withSecretsFile(options.env ?? process.env);
  const cwd = options.cwd ?? process.cwd();
  const named = options.file ?? env.INBOXWATCH_CONFIG;
  const file = resolve(cwd, named ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    if (named !== undefined) throw new ConfigError(file, [{ path: '', message: 'file not found' }]);
    return { config: resolvePaths(applyEnvOverrides(parseConfigText('', file, env), env), cwd), file: undefined };
  }
  const config = parseConfigText(readFileSync(file, 'utf8'), file, env);
  return { config: resolvePaths(applyEnvOverrides(config, env), dirname(file)), file };
}

/**
 * Secrets may live in a KEY=VALUE file named by `INBOXWATCH_SECRETS_FILE`; the real environment
 * wins over it so an operator can always override one value.
 */
function withSecretsFile(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const file = env.INBOXWATCH_SECRETS_FILE;
  if (!file) return env;
  if (!existsSync(file)) throw new ConfigError(file, [{ path: '', message: 'secrets file named by INBOXWATCH_SECRETS_FILE not found' }]);
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}

/** Environment settings that override the file, for containers and one-off runs. */
function applyEnvOverrides(config: Config, env: Record<string, string | undefined>): Config {
  const servers = env.INBOXWATCH_DNS_SERVERS;
  const database = env.INBOXWATCH_DATABASE;
  return {
    ...config,
    database: database ?? config.database,
    dns: servers === undefined ? config.dns : { ...config.dns, servers: servers.split(',').map((s) => s.trim()).filter(Boolean) },
  };
}

/** Relative paths in the file are relative to the file, not to wherever the command was started. */
function resolvePaths(config: Config, base: string): Config {
  return {
    ...config,
    database: config.database === ':memory:' ? config.database : resolve(base, config.database),
    providers: config.providers.map((p) => (p.dkim ? { ...p, dkim: { ...p.dkim, privateKeyFile: resolve(base, p.dkim.privateKeyFile) } } : p)),
  };
}
