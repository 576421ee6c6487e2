import type { OutgoingBatch, Transport, TransportAnswer } from './shipper.js';

export interface HttpTransportOptions {
  /** The server's base URL; batches go to `/api/ingest` under it. */
  server: URL;
  /** An agent token; sent as a bearer token and never logged. */
  token: string;
  /** How long one request may take before it counts as unreachable. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Sends batches to the ingest API over HTTP(S) with the agent's token. */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const endpoint = new URL('/api/ingest', options.server);
  const send = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return async (batch: OutgoingBatch, signal?: AbortSignal): Promise<TransportAnswer> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await send(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      throw new Error(`${endpoint.origin}: ${reasonOf(error)}`, { cause: error });
    }
    if (response.ok) return { status: response.status };
    return { status: response.status, error: errorOf(text) };
  };
}

/** The server's `{ error, detail }`, or the start of whatever else came back (a proxy's HTML page). */
function errorOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown; detail?: unknown };
    const parts = [body.error, body.detail].filter((part): part is string => typeof part === 'string' && part.length > 0);
    if (parts.length > 0) return parts.join(': ');
  } catch {
    // not JSON: fall through
  }
  const trimmed = text.trim().slice(0, 200);
  return trimmed.length > 0 ? trimmed : undefined;
}

/** fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a TLS error, the timeout). */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'no answer in time';
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (typeof cause?.code === 'string') return `${error.message} (${cause.code})`;
  if (typeof cause?.message === 'string') return `${error.message} (${cause.message})`;
  return error.message;
}
