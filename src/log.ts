export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * One line per event: human-readable, or JSON so log collectors can parse it. Callers pass only fields
 * they own; configuration values never go in, so secrets cannot leak.
 */
export function createLogger(options: { level?: LogLevel; json: boolean; write: (line: string) => void }): Logger {
  const min = ORDER[options.level ?? 'info'];
  const { json, write } = options;
  const emit = (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[level] < min) return;
    const time = new Date().toISOString();
    if (json) {
      write(JSON.stringify({ time, level, message, ...fields }));
      return;
    }
    const extra = Object.entries(fields)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    write(`${time} ${level.padEnd(5)} ${message}${extra ? ` ${extra}` : ''}`);
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
