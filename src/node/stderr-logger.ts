import { createLogger, type Logger, type LogLevel } from '../log.js';

/** Logs to stderr: human-readable on a terminal, JSON otherwise. */
export function stderrLogger(level: LogLevel): Logger {
  return createLogger({ level, json: !process.stderr.isTTY, write: (line) => process.stderr.write(`${line}\n`) });
}
