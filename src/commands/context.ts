import type { Command } from 'commander';
import { loadConfig, type LoadedConfig } from '../node/config-file.js';
import type { Logger } from '../log.js';
import { stderrLogger } from '../node/stderr-logger.js';

export interface GlobalOptions {
  config?: string;
  verbose?: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

export function configFor(command: Command): LoadedConfig {
  return loadConfig({ file: globalOptions(command).config });
}

export function loggerFor(command: Command): Logger {
  return stderrLogger(globalOptions(command).verbose ? 'debug' : 'info');
}
