import ipaddr from 'ipaddr.js';
import { getDomain } from 'tldts';
import { lookup } from '../dns/lookup.js';
import { reverseName } from '../dns/reverse.js';
import type { Resolver } from '../dns/types.js';
import type { SourceInfo } from './store.js';

/** Senders recognisable from the registrable domain of their reverse DNS name. */
const KNOWN_SENDERS: Record<string, string> = {
  'google.com': 'Google',
  'googlemail.com': 'Google',
  'outlook.com': 'Microsoft',
  'hotmail.com': 'Microsoft',
  'amazonses.com': 'Amazon SES',
  'sendgrid.net': 'SendGrid',
  'mailgun.net': 'Mailgun',
  'mailgun.org': 'Mailgun',
  'mcsv.net': 'Mailchimp',
  'rsgsv.net': 'Mailchimp',
  'mcdlv.net': 'Mailchimp',
  'mandrillapp.com': 'Mandrill',
  'sparkpostmail.com': 'SparkPost',
  'postmarkapp.com': 'Postmark',
  'mtasv.net': 'Postmark',
  'zendesk.com': 'Zendesk',
  'salesforce.com': 'Salesforce',
  'exacttarget.com': 'Salesforce Marketing Cloud',
  'hubspotemail.net': 'HubSpot',
  'mailjet.com': 'Mailjet',
  'sendinblue.com': 'Brevo',
  'brevo.com': 'Brevo',
  'yahoo.com': 'Yahoo',
  'yahoodns.net': 'Yahoo',
  'protonmail.ch': 'Proton',
  'zoho.com': 'Zoho',
  'messagingengine.com': 'Fastmail',
  'icloud.com': 'Apple iCloud',
  'me.com': 'Apple iCloud',
};

/** The sender a PTR name belongs to, when it is one we know. */
export function knownSender(baseDomain: string | null): string | null {
  return baseDomain === null ? null : (KNOWN_SENDERS[baseDomain] ?? null);
}

/**
 * What an IP says about itself through DNS alone: its PTR name, whether that name resolves back to it
 * (forward-confirmed reverse DNS), the name's registrable domain and a known-sender label. A lookup that
 * fails is an `error`, retried later, never "no PTR".
 */
export async function enrichSource(resolver: Resolver, ip: string, now: () => number): Promise<SourceInfo> {
  const base = { ip, ptr: null, fcrdns: null, baseDomain: null, label: null, error: null };
  const reverse = await lookup(resolver, reverseName(ip), 'PTR');
  if (!reverse.ok) return { ...base, status: 'error', error: reverse.error, checkedAt: now() };
  const names = reverse.records.map((r) => r.replace(/\.$/, '').toLowerCase());
  const ptr = names[0];
  if (ptr === undefined) return { ...base, status: 'ok', fcrdns: false, checkedAt: now() };
  const address = ipaddr.parse(ip);
  const forward = await lookup(resolver, ptr, address.kind() === 'ipv4' ? 'A' : 'AAAA');
  if (!forward.ok) return { ...base, ptr, status: 'error', error: forward.error, checkedAt: now() };
  const baseDomain = getDomain(ptr) ?? null;
  return {
    ...base,
    status: 'ok',
    ptr,
    fcrdns: forward.records.some((a) => ipaddr.isValid(a) && ipaddr.parse(a).toNormalizedString() === address.toNormalizedString()),
    baseDomain,
    label: knownSender(baseDomain),
    checkedAt: now(),
  };
}
