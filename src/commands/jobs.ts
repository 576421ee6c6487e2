import type { Command } from 'commander';
import { jobTable } from '../jobs/table.js';
import { createNodeRuntime } from '../node/root.js';
import { configFor } from './context.js';

export function jobsCommand(command: Command): void {
  const { config } = configFor(command);
  for (const { job, schedule, idleReason } of jobTable(config, createNodeRuntime(config).jobs)) {
    const when = schedule ?? (idleReason ? `idle: ${idleReason}` : 'on demand');
    process.stdout.write(`${job.name.padEnd(12)} ${when.padEnd(32)} ${job.description}\n`);
  }
}
