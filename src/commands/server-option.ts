import { UsageError } from './exit.js';

/** `--server`: the base URL of a server this command talks to (serve, or a Workers deployment). */
export function serverUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--server: expected a URL such as https://inboxwatch.example.workers.dev, got "${text}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--server: expected an http(s) URL, got "${text}"`);
  return url;
}

const TOKEN_KINDS = {
  admin: { variable: 'INBOXWATCH_TOKEN', what: 'an admin API token' },
  agent: { variable: 'INBOXWATCH_AGENT_TOKEN', what: 'an agent token' },
} as const;

/** `--token`, else its environment variable: the token that command needs, or a usage error naming both. */
export function tokenOption(option: string | undefined, kind: keyof typeof TOKEN_KINDS): string {
  const { variable, what } = TOKEN_KINDS[kind];
  const token = option ?? process.env[variable];
  if (!token) throw new UsageError(`--token: ${what} is required (or set ${variable})`);
  return token;
}
