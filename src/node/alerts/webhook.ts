import { isIP, type LookupFunction } from 'node:net';
import { Agent, fetch } from 'undici';
import { WebhookRefused, webhookShown, type WebhookPost } from '../../alerts/webhook-notifier.js';
import { refuseAddress } from '../../config/outbound-urls.js';
import { resolveHost } from '../../dns/address.js';
import type { Resolver } from '../../dns/types.js';

/**
 * Node's webhook POST: the host is resolved through the configured resolver and the connection goes to the
 * address that was checked, so a name cannot be re-pointed at a private address between check and connect.
 */
export function nodeWebhookPost(options: { resolver: Resolver; allowPrivateUrls: boolean; timeoutMs: number }): WebhookPost {
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    checkedAddress(options.resolver, hostname, options.allowPrivateUrls).then(
      (address) => {
        const family = isIP(address);
        if (lookupOptions.all) callback(null, [{ address, family }]);
        else callback(null, address, family);
      },
      (error: Error) => callback(Object.assign(error, { code: 'EREFUSED' }), '', 0),
    );
  };
  const dispatcher = new Agent({ connect: { lookup }, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
  return async ({ url, body, headers, timeoutMs }) => {
    let response;
    try {
      response = await fetch(url, { method: 'POST', body, headers, dispatcher, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const cause = (error as { cause?: Error }).cause;
      // A refused address is refused on every try; a failed lookup or connection may pass.
      if (cause?.message?.includes('allowPrivateUrls')) throw new WebhookRefused(cause.message);
      throw new Error(`POST ${webhookShown(url)}: ${cause?.message ?? (error as Error).message}`);
    }
    await response.body?.cancel();
    return response.status;
  };
}

async function checkedAddress(resolver: Resolver, host: string, allowPrivate: boolean): Promise<string> {
  const address = await resolveHost(resolver, host.replace(/^\[|\]$/g, ''));
  const refusal = refuseAddress(address, allowPrivate);
  if (refusal) throw new Error(`${host} resolves to ${refusal}`);
  return address;
}
