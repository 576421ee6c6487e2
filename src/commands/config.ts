import type { Command } from 'commander';
import { configFor } from './context.js';

export function configCheckCommand(command: Command): void {
  const { config: loaded, file } = configFor(command);
  const where = file ?? 'no configuration file (defaults)';
  process.stdout.write(
    `${where}: ok — ${count(loaded.providers.length, 'provider')}, ${count(loaded.seeds.length, 'seed')}, ` +
      `${count(loaded.domains.length, 'domain')}, database ${loaded.database}\n`,
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
