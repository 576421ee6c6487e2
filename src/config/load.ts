import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, formatPath, type ConfigIssue } from './errors.js';
import { substituteEnv } from './substitute.js';
import { configSchema, dnsServer, type Config } from './schema.js';

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

/** Parses YAML text into a validated configuration; errors carry file, line and key path. */
export function parseConfigText(text: string, file: string, env: Record<string, string | undefined>): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((error) => {
        const position = error.linePos?.[0];
        return { path: '', message: `YAML syntax: ${firstLine(error.message)}`, line: position?.line, column: position?.col };
      }),
    );
  }
  const { issues: missing, typed } = substituteEnv(doc, env, lines);
  if (missing.length > 0) throw new ConfigError(file, missing);
  let parsed = configSchema.safeParse(doc.toJS() ?? {});
  // A substituted value stays a string unless the schema wanted a number or boolean exactly there.
  const wanted = parsed.success ? [] : typed.filter((candidate) => parsed.error?.issues.some((issue) => issue.code === 'invalid_type' && samePath(issue.path, candidate.path)));
  if (wanted.length > 0) {
    for (const candidate of wanted) candidate.node.value = candidate.value;
    parsed = configSchema.safeParse(doc.toJS() ?? {});
  }
  if (!parsed.success) throw new ConfigError(file, parsed.error.issues.map((issue) => locate(issue, doc, lines)));
  return parsed.data;
}

function samePath(a: readonly PropertyKey[], b: ReadonlyArray<string | number>): boolean {
  return a.length === b.length && a.every((key, i) => String(key) === String(b[i]));
}

function locate(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter): ConfigIssue {
  const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const target = keys.length > 0 ? [...path, keys[0] as string] : path;
  for (let depth = target.length; depth >= 0; depth--) {
    const node = doc.getIn(target.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    const keyNode = keys.length > 0 && depth === target.length ? keyNodeAt(doc, target) : undefined;
    const range = keyNode?.range ?? node?.range;
    if (range) {
      const position = lines.linePos(range[0]);
      return { path: formatPath(path), message: describe(issue, doc.hasIn(path)), line: position.line, column: position.col };
    }
  }
  return { path: formatPath(path), message: describe(issue, doc.hasIn(path)) };
}

/** The key of the pair at `path`, so an unknown key points at itself rather than at its parent. */
function keyNodeAt(doc: Document, path: Array<string | number>): { range?: [number, number, number] } | undefined {
  const parent = doc.getIn(path.slice(0, -1), true) as { items?: Array<{ key?: { value?: unknown; range?: [number, number, number] } }> } | undefined;
  const last = path[path.length - 1];
  return parent?.items?.find((pair) => pair.key?.value === last)?.key;
}

function describe(issue: z.core.$ZodIssue, present: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      return present ? `expected ${article(issue.expected)}` : `required (expected ${article(issue.expected)})`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
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
