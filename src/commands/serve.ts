import { InvalidArgumentError, type Command } from 'commander';
import { startServer } from '../node/server.js';
import { configFor, EXIT, loggerFor } from './context.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the API, the dashboard and the scheduled jobs')
    .option('--port <port>', 'listen on this port instead of server.port', (value) => {
      // Commander turns InvalidArgumentError into a usage error (exit 2) naming the option.
      if (!/^(0|[1-9]\d{0,4})$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535 (0: any free port)');
      return Number(value);
    })
    .action(async (options: { port?: number }, command: Command) => {
      const { config } = configFor(command);
      const log = loggerFor(command);
      const server = await startServer(
        options.port === undefined ? config : { ...config, server: { ...config.server, port: options.port } },
        log,
      );
      const stop = (signal: string) => {
        log.info('shutting down', { signal });
        server.close().then(
          () => process.exit(EXIT.ok),
          (error: Error) => {
            log.error('shutdown failed', { error: error.message });
            process.exit(EXIT.failure);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
