import type { Command } from 'commander';

export interface ServeOptions {
  port?: number;
}
import { startServer } from '../node/server.js';
import { configFor, loggerFor } from './context.js';
import { EXIT } from './exit.js';

export async function serveCommand(options: ServeOptions, command: Command): Promise<void> {
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
}
