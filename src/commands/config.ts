import type { Command } from 'commander';
import { configFor } from './context.js';

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
          `${count(loaded.domains.length, 'domain')}, ${count(loaded.alerts.rules.length, 'alert rule')}, ` +
          `${count(loaded.alerts.channels.length, 'alert channel')}, database ${loaded.database}\n`,
      );
    });
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
