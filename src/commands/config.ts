import type { Command } from 'commander';
import { workerDocument } from '../config/worker-document.js';
import { configFor, UsageError } from './context.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('work with the configuration file');
  config
    .command('check')
    .description('validate the configuration without touching the database or the network')
    .action((_options, command: Command) => {
      const { config: loaded, file } = configFor(command);
      const where = file ?? 'no configuration file (defaults)';
      process.stdout.write(
        `${where}: ok — ${count(loaded.providers.length, 'provider')}, ${count(loaded.seeds.length, 'seed')}, ` +
          `${count(loaded.domains.length, 'domain')}, database ${loaded.database}\n`,
      );
    });
  config
    .command('push')
    .description('send the configuration (secrets left out) to a server that has no config file, such as a Workers deployment')
    .requiredOption('--server <url>', 'the server\'s base URL, e.g. https://inboxwatch.example.workers.dev')
    .option('--token <token>', 'an admin API token (default: $INBOXWATCH_TOKEN)')
    .action(async (options: { server: string; token?: string }, command: Command) => {
      const token = options.token ?? process.env.INBOXWATCH_TOKEN;
      if (!token) throw new UsageError('--token: an admin API token is required (or set INBOXWATCH_TOKEN)');
      let base: URL;
      try {
        base = new URL(options.server);
      } catch {
        throw new UsageError(`--server: expected a URL such as https://inboxwatch.example.workers.dev, got "${options.server}"`);
      }
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
    });
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
