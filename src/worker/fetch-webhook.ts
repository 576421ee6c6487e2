import { WebhookRefused, webhookShown, type WebhookPost } from '../alerts/webhook-notifier.js';
import { refusedHostAddress } from '../audit/address-policy.js';
import { ipFamily } from '../dns/ip.js';
import type { Resolver } from '../dns/types.js';

/**
 * The webhook POST on Workers: the platform's fetch, redirects not followed, a timeout per try. fetch resolves
 * the host itself, so unless private URLs are allowed every address the resolver gives for the host is
 * screened first (as the MTA-STS fetcher does); Node's exact connect-to-the-checked-address rule is not
 * possible here.
 */
export function fetchWebhookPost(options: { resolver: Resolver; allowPrivateUrls: boolean }): WebhookPost {
  return async ({ url, body, headers, timeoutMs }) => {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    // An address written in the URL was judged by the URL check already.
    if (!options.allowPrivateUrls && ipFamily(host) === 0) {
      const refused = await refusedHostAddress(options.resolver, host).catch((error: Error) => {
        throw new Error(`POST ${webhookShown(url)}: could not resolve ${host}: ${error.message}`);
      });
      if (refused) throw new WebhookRefused(`${host} resolves to ${refused.address}, a ${refused.range} address; set alerts.allowPrivateUrls to allow it`);
    }
    const deadline = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: deadline });
    } catch (error) {
      throw new Error(`POST ${webhookShown(url)}: ${deadline.aborted ? `no answer within ${timeoutMs} ms` : (error as Error).message}`);
    }
    await response.body?.cancel();
    return response.status;
  };
}
