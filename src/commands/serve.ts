import type { Command } from 'commander';
import { startServer } from '../node/server.js';
import { configFor, EXIT, loggerFor } from './context.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the API, the dashboard and the scheduled jobs')
    .option('--port <port>', 'listen on this port instead of server.port', (value) => {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: expected a port number, got "${value}"`);
      return port;
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
