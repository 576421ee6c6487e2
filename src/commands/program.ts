import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError } from '../config/errors.js';
import { JOB_NAMES } from '../node/job-names.js';
import type { AgentDiscardOptions, AgentOptions, AgentStatusOptions } from './agent.js';
import type { AuditOptions } from './audit.js';
import type { AlertsListOptions, AlertsTestOptions } from './alerts.js';
import type { BlocklistsOptions } from './blocklists.js';
import type { ConfigPushOptions } from './config.js';
import { EXIT, UsageError } from './exit.js';
import type { ServeOptions } from './serve.js';
import type { TestOptions } from './test.js';

/**
 * Every command with its arguments and options, and nothing else: a command's module (and with it the
 * features it uses) is imported only when that command runs, so `--help` and a quick check start fast.
 */
function buildProgram(): Command {
  const program = new Command('inboxwatch')
    .description('deliverability monitor: seed placement, DNS authentication audits, blocklists, DMARC reports')
    .option('-c, --config <file>', 'configuration file (default: $INBOXWATCH_CONFIG or ./inboxwatch.yaml)')
    .option('-v, --verbose', 'log debug detail')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('demo')
    .description('start a self-contained demo world and a server with a populated dashboard (from a clone)')
    .action(async () => (await import('./demo.js')).demoCommand());

  program
    .command('serve')
    .description('run the API, the dashboard and the scheduled jobs')
    .option('--port <port>', 'listen on this port instead of server.port', (value) => {
      // Commander turns InvalidArgumentError into a usage error (exit 2) naming the option.
      if (!/^(0|[1-9]\d{0,4})$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535 (0: any free port)');
      return Number(value);
    })
    .action(async (options: ServeOptions, command: Command) => (await import('./serve.js')).serveCommand(options, command));

  const agent = program
    .command('agent')
    .description('run the probe jobs on their schedules as serve does and send their results to a server (e.g. a Workers deployment), buffering them on disk while it is away')
    .option('--server <url>', "the server's base URL, e.g. https://inboxwatch.example.workers.dev")
    .option('--token <token>', 'an agent token (default: $INBOXWATCH_AGENT_TOKEN)')
    .option('--buffer <file>', 'the local SQLite buffer: results and what the server has not confirmed (default: inboxwatch-agent.db beside the config file, else in the working directory)')
    .option('--name <name>', "the agent's name in what it sends (default: the host name)")
    .option('--max-backoff <duration>', 'the longest wait between tries while the server is away (default: 5m)')
    .option('--once', 'run every scheduled job once, ship, and exit (1 if anything is left unshipped or was rejected)')
    .action(async (options: AgentOptions, command: Command) => (await import('./agent.js')).agentCommand(options, command));
  agent
    .command('status')
    .description("show the agent's buffer: runs waiting to be sent, the last failed try, runs the server rejected (exit 1 if any)")
    .option('--buffer <file>', 'the buffer to read (default: as for agent)')
    .option('--json', 'print JSON')
    .action(async (options: AgentStatusOptions, command: Command) => (await import('./agent.js')).agentStatusCommand(options, command));
  agent
    .command('discard')
    .description('drop runs the server rejected from the buffer, printing each first; they are never sent or queued again')
    .option('--buffer <file>', 'the buffer to change (default: as for agent)')
    .option('--run <id>', 'drop this run (its id as agent status lists it)')
    .option('--rejected', 'drop every rejected run')
    .option('--force', 'with --run: drop the run even though it has not been rejected and is still waiting to be sent (its results are lost)')
    .action(async (options: AgentDiscardOptions, command: Command) => (await import('./agent.js')).agentDiscardCommand(options, command));

  program
    .command('test')
    .description('send a seed placement test through the providers and report where each message landed')
    .option('-p, --provider <name>', 'send through this provider only (repeatable; default: placement.providers or all)', (value: string, previous: string[]) => [...previous, value], [])
    .option('--timeout <duration>', 'how long to wait for messages before calling them missing (default: placement.timeout)')
    .option('--resume', 'finish the tests of processes that crashed or stopped instead of starting a new one (nothing is sent twice; a live process keeps its own)')
    .option('--json', 'print the result as JSON')
    .action(async (options: TestOptions, command: Command) => (await import('./test.js')).testCommand(options, command));

  program
    .command('audit')
    .description('audit the DNS authentication of domains (SPF, DKIM, DMARC, MX, MTA-STS, TLS-RPT, BIMI, reverse DNS)')
    .argument('<domain...>', 'domains to audit')
    .option('--selector <list>', 'DKIM selectors to check, comma-separated, besides configured and common ones')
    .option('--ip <list>', 'sending IPs whose reverse DNS to check, comma-separated (default: providers[].ips for the domain)')
    .option('--no-discover', 'only check configured and --selector DKIM selectors')
    .option('--json', 'print the result as JSON')
    .option('--fail-on <level>', 'exit 1 when any check reaches this level: warn or fail', 'fail')
    .action(async (domains: string[], options: AuditOptions, command: Command) => (await import('./audit.js')).auditCommand(domains, options, command));

  program
    .command('blocklists')
    .description('check IPs, CIDR ranges and domains on DNS blocklists (exit 0 clean, 1 listed, 2 usage, 3 some checks failed)')
    .argument('[target...]', 'IP address, CIDR range or domain; default: the configured targets')
    .option('--zones <zones>', 'comma-separated list zones to use instead of the configured set')
    .option('--json', 'print the results as JSON')
    .action(async (targets: string[], options: BlocklistsOptions, command: Command) => (await import('./blocklists.js')).blocklistsCommand(targets, options, command));

  const reports = program.command('reports').description('DMARC aggregate, failure and SMTP TLS reports');
  reports
    .command('import')
    .description('import report files (gzip, zip, XML, JSON) or saved messages holding them (exit 0 all taken in, 1 some rejected)')
    .argument('<file...>', 'report files or .eml messages')
    .option('--json', 'print one entry per report as JSON')
    .action(async (files: string[], options: { json?: boolean }, command: Command) => (await import('./reports.js')).reportsImportCommand(files, options, command));

  program
    .command('run')
    .description(`run one job now and print its result (jobs: ${JOB_NAMES.join(', ')})`)
    .argument('<job>', 'the job to run')
    .option('--json', 'print the run and its result as JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => (await import('./run.js')).runCommand(name, options, command));

  program
    .command('jobs')
    .description('list the jobs and their schedules')
    .action(async (_options: unknown, command: Command) => (await import('./jobs.js')).jobsCommand(command));

  const config = program.command('config').description('work with the configuration file');
  config
    .command('check')
    .description('validate the configuration without touching the database or the network')
    .action(async (_options: unknown, command: Command) => (await import('./config.js')).configCheckCommand(command));
  config
    .command('push')
    .description('send the configuration (secrets left out) to a server that has no config file, such as a Workers deployment')
    .requiredOption('--server <url>', "the server's base URL, e.g. https://inboxwatch.example.workers.dev")
    .option('--token <token>', 'an admin API token (default: $INBOXWATCH_TOKEN)')
    .action(async (options: ConfigPushOptions, command: Command) => (await import('./config.js')).configPushCommand(options, command));

  const alerts = program.command('alerts').description('reputation alerts: check channels, list incidents');
  alerts
    .command('test')
    .description('send a test notification through one channel, now, and say whether it arrived')
    .argument('<channel>', 'a channel name from alerts.channels')
    .option('--server <url>', 'have this server send it (e.g. a Workers deployment) instead of this machine')
    .option('--token <token>', 'with --server: an admin API token (default: $INBOXWATCH_TOKEN)')
    .action(async (name: string, options: AlertsTestOptions, command: Command) => (await import('./alerts.js')).alertsTestCommand(name, options, command));
  alerts
    .command('list')
    .description('print incidents, newest first')
    .option('--open', 'only firing incidents')
    .option('--json', 'print JSON')
    .action(async (options: AlertsListOptions, command: Command) => (await import('./alerts.js')).alertsListCommand(options, command));

  program
    .command('migrate')
    .description('bring the database schema up to date (serve and run also do this on start)')
    .action(async (_options: unknown, command: Command) => (await import('./migrate.js')).migrateCommand(command));

  return program;
}

/** Parses the command line and runs the command; failures become the exit code. */
export async function runProgram(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
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
