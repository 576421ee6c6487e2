import ipaddr from 'ipaddr.js';

/**
 * Outbound URLs (webhooks, links) must be http or https; one that names a private, loopback or otherwise
 * non-public address is refused unless `alerts.allowPrivateUrls` says such targets are wanted. Names are
 * checked again at send time against what they resolve to. Returns why a URL is refused, or undefined.
 */
export function refuseUrl(text: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'expected an http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http and https URLs are allowed, not ${url.protocol.replace(/:$/, '')}`;
  if (allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return `"${host}" is a loopback name; set alerts.allowPrivateUrls to allow it`;
  return refuseAddress(host, false);
}

/** Why an address may not be sent to (it is not on the public internet), or undefined when it may. */
export function refuseAddress(address: string, allowPrivate: boolean): string | undefined {
  if (allowPrivate || !ipaddr.isValid(address)) return undefined;
  const range = ipaddr.process(address).range();
  if (range === 'unicast') return undefined;
  return `${address} is a ${range} address; set alerts.allowPrivateUrls to allow it`;
}
