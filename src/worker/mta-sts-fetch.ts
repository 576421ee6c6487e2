import { POLICY_PATH, PolicyFetchError, type PolicyFetcher } from '../audit/mta-sts.js';

const MAX_POLICY_BYTES = 64 * 1024;

/**
 * The policy fetcher on Workers: the platform's fetch, so mta-sts.<domain> is resolved by Cloudflare rather
 * than by the configured resolver; certificate checked, redirects refused (RFC 8461 §3.3), size-capped.
 */
export function createFetchPolicyFetcher(options: { timeoutMs: number; maxBytes?: number }): PolicyFetcher {
  const maxBytes = options.maxBytes ?? MAX_POLICY_BYTES;
  return async (host) => {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    let response: Response;
    try {
      response = await fetch(`https://${host}${POLICY_PATH}`, { redirect: 'manual', signal: deadline, headers: { 'user-agent': 'inboxwatch-audit' } });
    } catch (error) {
      if (deadline.aborted) throw new PolicyFetchError('timeout', 'no complete answer before the timeout');
      throw new PolicyFetchError('connect', `connection failed: ${(error as Error).message}`);
    }
    const body = await readCapped(response, maxBytes, deadline);
    return { status: response.status, contentType: response.headers.get('content-type') ?? undefined, body };
  };
}

async function readCapped(response: Response, maxBytes: number, deadline: AbortSignal): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new PolicyFetchError('too_large', `the policy is larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof PolicyFetchError) throw error;
    if (deadline.aborted) throw new PolicyFetchError('timeout', 'no complete answer before the timeout');
    throw new PolicyFetchError('other', (error as Error).message);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
