import type { Command } from 'commander';
import { workerDocument } from '../config/worker-document.js';
import { configFor } from './context.js';
import { serverUrl, tokenOption } from './server-option.js';

export function configCheckCommand(command: Command): void {
  const { config: loaded, file } = configFor(command);
  const where = file ?? 'no configuration file (defaults)';
  process.stdout.write(
    `${where}: ok — ${count(loaded.providers.length, 'provider')}, ${count(loaded.seeds.length, 'seed')}, ` +
      `${count(loaded.domains.length, 'domain')}, ${count(loaded.alerts.rules.length, 'alert rule')}, ` +
      `${count(loaded.alerts.channels.length, 'alert channel')}, database ${loaded.database}\n`,
  );
}

export interface ConfigPushOptions {
  server: string;
  token?: string;
}

export async function configPushCommand(options: ConfigPushOptions, command: Command): Promise<void> {
  const token = tokenOption(options.token, 'admin');
  const base = serverUrl(options.server);
  const { config: loaded, file } = configFor(command);
  const response = await fetch(new URL('/api/config', base), {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
    body: workerDocument(loaded),
  });
  const answer = (await response.json().catch(() => ({}))) as { version?: number; error?: string; detail?: string };
  if (!response.ok) {
    throw new Error(`${base.origin} refused the configuration (HTTP ${response.status}): ${answer.error ?? 'no reason given'}${answer.detail ? `\n${answer.detail}` : ''}`);
  }
  process.stdout.write(`${file ?? 'defaults'}: pushed to ${base.origin} as version ${answer.version}\n`);
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
