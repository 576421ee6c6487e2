#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerBlocklists } from './commands/blocklists.js';
import { registerConfig } from './commands/config.js';
import { EXIT, UsageError } from './commands/context.js';
import { registerJobs } from './commands/jobs.js';
import { registerMigrate } from './commands/migrate.js';
import { registerRun } from './commands/run.js';
import { registerServe } from './commands/serve.js';
import { registerTest } from './commands/test.js';
import { ConfigError } from './config/errors.js';

const program = new Command('inboxwatch')
  .description('deliverability monitor: seed placement, DNS authentication audits, blocklists')
  .option('-c, --config <file>', 'configuration file (default: $INBOXWATCH_CONFIG or ./inboxwatch.yaml)')
  .option('-v, --verbose', 'log debug detail')
  .showHelpAfterError()
  .exitOverride();

registerServe(program);
registerTest(program);
registerAudit(program);
registerBlocklists(program);
registerRun(program);
registerJobs(program);
registerConfig(program);
registerMigrate(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed help or the usage problem.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`inboxwatch: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`inboxwatch: invalid configuration\n${error.message}\n`);
    return EXIT.failure;
  }
  process.stderr.write(`inboxwatch: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failure;
}
