import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, type ConfigIssue } from '../config/errors.js';
import { parseConfigText } from '../config/parse.js';
import { dnsServer, type Config } from '../config/schema.js';

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
    return { config: resolvePaths(applyEnvOverrides(parseConfigText('', file, env), env, file), cwd), file: undefined };
  }
  const config = parseConfigText(readText(file, 'configuration file'), file, env);
  return { config: resolvePaths(applyEnvOverrides(config, env, file), dirname(file)), file };
}

/** A file's text, or a ConfigError naming the file and why it cannot be read (a directory, no permission, …). */
function readText(file: string, what: string): string {
  try {
    if (statSync(file).isDirectory()) throw new ConfigError(file, [{ path: '', message: `is a directory, not a ${what}` }]);
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(file, [{ path: '', message: `cannot read the ${what}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
}

/**
 * Secrets may live in a KEY=VALUE file named by `INBOXWATCH_SECRETS_FILE`; the real environment
 * wins over it so an operator can always override one value.
 */
function withSecretsFile(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const file = env.INBOXWATCH_SECRETS_FILE;
  if (!file) return env;
  if (!existsSync(file)) throw new ConfigError(file, [{ path: '', message: 'secrets file named by INBOXWATCH_SECRETS_FILE not found' }]);
  return { ...parseEnv(readText(file, 'secrets file (INBOXWATCH_SECRETS_FILE)')), ...env };
}

/** Environment settings that override the file, for containers and one-off runs; checked as the file's values are. */
function applyEnvOverrides(config: Config, env: Record<string, string | undefined>, file: string): Config {
  const issues: ConfigIssue[] = [];
  const database = env.INBOXWATCH_DATABASE;
  if (database !== undefined && database.trim() === '') issues.push({ path: 'database', message: 'INBOXWATCH_DATABASE is set but empty; unset it or give a database file path' });
  const servers = env.INBOXWATCH_DNS_SERVERS?.split(',').map((s) => s.trim()).filter(Boolean);
  servers?.forEach((server, i) => {
    const checked = dnsServer.safeParse(server);
    if (!checked.success) issues.push({ path: `dns.servers[${i}]`, message: `INBOXWATCH_DNS_SERVERS: ${checked.error.issues[0]?.message ?? 'invalid'}` });
  });
  if (issues.length > 0) throw new ConfigError(file, issues);
  return {
    ...config,
    database: database ?? config.database,
    dns: servers === undefined ? config.dns : { ...config.dns, servers },
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
