import { request } from 'node:https';
import { resolveHost } from '../dns/address.js';
import { refusedAddressRange } from '../audit/address-policy.js';
import { DnsError, type Resolver } from '../dns/types.js';
import { POLICY_PATH, PolicyFetchError, type PolicyFetcher, type PolicyResponse } from '../audit/mta-sts.js';

/** RFC 8461 §3.3 lets senders cap the policy size; 64 KiB is the limit it suggests. */
export const MAX_POLICY_BYTES = 64 * 1024;

export interface HttpsFetcherOptions {
  /** The address of mta-sts.<domain> comes from this resolver, never from the OS. */
  resolver: Resolver;
  timeoutMs: number;
  /** Connect to loopback, private, link-local and other non-public addresses (audit.allowPrivateAddresses). */
  allowPrivateAddresses?: boolean;
  maxBytes?: number;
  /** Tests only: the port to connect to instead of 443. */
  port?: number;
  /** Tests only: the CA that signed the test server's certificate, in place of the system store. */
  ca?: string | Buffer;
}

/** Node's policy fetcher: HTTPS to mta-sts.<domain>:443, certificate verified, no redirects, size-capped. */
export function createHttpsPolicyFetcher(options: HttpsFetcherOptions): PolicyFetcher {
  const maxBytes = options.maxBytes ?? MAX_POLICY_BYTES;
  return async (host) => {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const address = await addressOf(options.resolver, host);
    const refused = options.allowPrivateAddresses ? undefined : refusedAddressRange(address);
    // Checked on the very address connected to, so a second DNS answer cannot swap it afterwards.
    if (refused) {
      throw new PolicyFetchError('refused_address', `${host} resolves to ${address}, a ${refused} address, which senders on the internet cannot reach; the audit does not connect to it (set audit.allowPrivateAddresses for an internal deployment)`);
    }
    return await new Promise<PolicyResponse>((resolve, reject) => {
      const fail = (error: PolicyFetchError) => {
        req.destroy();
        reject(error);
      };
      const req = request(
        {
          host: address,
          port: options.port ?? 443,
          path: POLICY_PATH,
          method: 'GET',
          servername: host,
          headers: { host, 'user-agent': 'inboxwatch-audit' },
          rejectUnauthorized: true,
          ...(options.ca ? { ca: options.ca } : {}),
          signal: deadline,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) fail(new PolicyFetchError('too_large', `the policy is larger than ${maxBytes} bytes`));
            else chunks.push(chunk);
          });
          res.on('end', () => {
            const type = res.headers['content-type'];
            resolve({ status: res.statusCode ?? 0, contentType: type, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (error) => reject(classify(error, deadline)));
        },
      );
      req.on('error', (error) => reject(classify(error, deadline)));
      req.end();
    });
  };
}

/** The shared host lookup, its failures sorted into "could not ask" and "has no address". */
async function addressOf(resolver: Resolver, host: string): Promise<string> {
  try {
    return await resolveHost(resolver, host);
  } catch (error) {
    if (error instanceof DnsError) throw new PolicyFetchError('dns', `could not resolve ${host}: ${error.message}`);
    throw new PolicyFetchError('no_address', (error as Error).message);
  }
}

function classify(error: Error & { code?: string }, deadline: AbortSignal): PolicyFetchError {
  if (error instanceof PolicyFetchError) return error;
  if (deadline.aborted) return new PolicyFetchError('timeout', 'no complete answer before the timeout');
  const code = error.code ?? '';
  if (/CERT|SSL|TLS|SELF_SIGNED|HOSTNAME|ERR_TLS/i.test(code) || /certificate/i.test(error.message)) {
    return new PolicyFetchError('tls', `TLS: ${error.message}`);
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET') {
    return new PolicyFetchError('connect', `connection failed: ${error.message}`);
  }
  return new PolicyFetchError('other', error.message);
}
