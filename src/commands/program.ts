import { Command, CommanderError } from 'commander';
import { registerAudit } from './audit.js';
import { registerBlocklists } from './blocklists.js';
import { registerConfig } from './config.js';
import { EXIT, UsageError } from './context.js';
import { registerJobs } from './jobs.js';
import { registerMigrate } from './migrate.js';
import { registerReports } from './reports.js';
import { registerRun } from './run.js';
import { registerServe } from './serve.js';
import { registerTest } from './test.js';
import { ConfigError } from '../config/errors.js';

const program = new Command('inboxwatch')
  .description('deliverability monitor: seed placement, DNS authentication audits, blocklists, DMARC reports')
  .option('-c, --config <file>', 'configuration file (default: $INBOXWATCH_CONFIG or ./inboxwatch.yaml)')
  .option('-v, --verbose', 'log debug detail')
  .showHelpAfterError()
  .exitOverride();

registerServe(program);
registerTest(program);
registerAudit(program);
registerBlocklists(program);
registerReports(program);
registerRun(program);
registerJobs(program);
registerConfig(program);
registerMigrate(program);

/** Parses the command line and runs the command; failures become the exit code. */
export async function runProgram(argv: readonly string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = report(error);
  }
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
