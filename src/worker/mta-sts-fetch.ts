import { refusedHostAddress } from '../audit/address-policy.js';
import { POLICY_PATH, PolicyFetchError, type PolicyFetcher } from '../audit/mta-sts.js';
import { DnsError, type Resolver } from '../dns/types.js';

const MAX_POLICY_BYTES = 64 * 1024;

/**
 * The policy fetcher on Workers: the platform's fetch, so mta-sts.<domain> is resolved by Cloudflare rather
 * than by the configured resolver; certificate checked, redirects refused (RFC 8461 §3.3), size-capped.
 */
export function createFetchPolicyFetcher(options: { resolver: Resolver; timeoutMs: number; allowPrivateAddresses?: boolean; maxBytes?: number }): PolicyFetcher {
  const maxBytes = options.maxBytes ?? MAX_POLICY_BYTES;
  return async (host) => {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    if (!options.allowPrivateAddresses) await screenAddresses(options.resolver, host);
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

/**
 * The same rule as the Node fetcher, as far as Workers allow: fetch resolves the host itself, so every address
 * the run's resolver gives is screened first and a non-public one refuses the fetch.
 */
async function screenAddresses(resolver: Resolver, host: string): Promise<void> {
  let refused: Awaited<ReturnType<typeof refusedHostAddress>>;
  try {
    refused = await refusedHostAddress(resolver, host);
  } catch (error) {
    if (error instanceof DnsError) throw new PolicyFetchError('dns', `could not resolve ${host}: ${error.message}`);
    throw error;
  }
  if (refused) {
    throw new PolicyFetchError('refused_address', `${host} resolves to ${refused.address}, a ${refused.range} address, which senders on the internet cannot reach; the audit does not connect to it (set audit.allowPrivateAddresses for an internal deployment)`);
  }
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
