import type { Command } from 'commander';
import { jobTable } from '../jobs/table.js';
import { configFor } from './context.js';

export function registerJobs(program: Command): void {
  program
    .command('jobs')
    .description('list the jobs and their schedules')
    .action((_options, command: Command) => {
      const { config } = configFor(command);
      for (const { job, schedule } of jobTable(config)) {
        process.stdout.write(`${job.name.padEnd(14)} ${(schedule ?? 'on demand').padEnd(16)} ${job.description}\n`);
      }
    });
}
