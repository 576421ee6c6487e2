import { webhookShown } from '../alerts/webhook-notifier.js';
import type { Json } from '../audit/types.js';

/** Keys whose values are secrets wherever they appear in the configuration. */
const SECRET_KEYS = new Set(['pass', 'secret', 'token', 'clientSecret', 'refreshToken', 'dqsKey', 'abusixKey']);

export const REDACTED = '[redacted]';

/** The configuration as the API may show it: every secret replaced, everything else as loaded. */
export function redactConfig(value: unknown): Json {
  if (Array.isArray(value)) return value.map(redactConfig);
  if (value !== null && typeof value === 'object') {
    const webhook = (value as Record<string, unknown>).type === 'webhook';
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([key, v]) => [key, SECRET_KEYS.has(key) && v !== null ? REDACTED : webhook && key === 'url' && typeof v === 'string' ? webhookShown(v, REDACTED) : redactConfig(v)]),
    );
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return String(value);
}

