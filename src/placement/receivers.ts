import type { MailboxProvider } from './types.js';

/**
 * What we know about how a mailbox provider's receiving side writes its trace: the hosts its MTAs name
 * in `by`, the authserv-ids its Authentication-Results carry, and whether it writes them without one.
 * Matched case-insensitively against lower-cased names. Sources: each provider's published headers
 * (test/fixtures/receivers holds one per provider, with where its shape comes from).
 */
export interface ReceiverProfile {
  hosts: readonly RegExp[];
  authservIds: readonly RegExp[];
  /** Exchange Online writes `Authentication-Results: spf=pass …` with no authserv-id at all. */
  withoutAuthservId?: boolean;
}

const under = (...domains: string[]) => domains.map((d) => new RegExp(`(^|\\.)${d.replace(/\./g, '\\.')}$`));

export const RECEIVERS: Record<Exclude<MailboxProvider, 'other'>, ReceiverProfile> = {
  gmail: { hosts: under('google.com'), authservIds: under('mx.google.com') },
  outlook: { hosts: under('outlook.com', 'office365.com', 'hotmail.com'), authservIds: under('outlook.com', 'office365.com'), withoutAuthservId: true },
  // Yahoo's receiving hop is `by <internal 10/8 address> with SMTPs`; AOL runs on the same platform.
  yahoo: { hosts: [...under('yahoo.com', 'aol.com', 'yahoodns.net'), /^10\.\d+\.\d+\.\d+$/], authservIds: under('yahoo.com', 'aol.com') },
  // iCloud stamps one header per method: spf.icloud.com, dkim-verifier.icloud.com, dmarc.icloud.com, bimi.icloud.com.
  icloud: { hosts: under('icloud.com', 'apple.com', 'me.com'), authservIds: under('icloud.com', 'apple.com') },
  gmx: { hosts: under('gmx.net', 'gmx.com', 'gmx.de', 'web.de', 'ui-portal.de'), authservIds: under('gmx.net', 'gmx.com', 'gmx.de', 'web.de') },
  zoho: { hosts: under('zoho.com', 'zohomail.com', 'zoho.eu', 'zoho.in', 'zohomail.eu'), authservIds: under('zoho.com', 'zohomail.com', 'zoho.eu', 'zoho.in', 'zohomail.eu') },
  fastmail: { hosts: under('messagingengine.com', 'fastmail.com'), authservIds: under('messagingengine.com', 'fastmail.com') },
  qq: { hosts: under('qq.com'), authservIds: under('qq.com') },
  netease: { hosts: under('163.com', '126.com', 'yeah.net', 'netease.com', '188.com'), authservIds: under('163.com', '126.com', 'yeah.net', 'netease.com') },
  aliyun: { hosts: under('aliyun.com', 'mxhichina.com', 'aliyun-inc.com'), authservIds: under('aliyun.com', 'mxhichina.com', 'aliyun-inc.com') },
};

export const matchesAny = (name: string | undefined, patterns: readonly RegExp[]) => name !== undefined && patterns.some((p) => p.test(name.toLowerCase()));

/**
 * The profile that vouches for the trace: the seed's mailbox provider's, or for `other` (a custom domain
 * hosted somewhere) the provider whose MTAs appear in it; only when one of its MTAs really took the message,
 * so a header naming the provider that came with mail it never received is not taken for its verdict.
 */
export function receiverProfile(provider: MailboxProvider, byHosts: readonly (string | undefined)[]): ReceiverProfile | undefined {
  const inTrace = (profile: ReceiverProfile) => byHosts.some((host) => matchesAny(host, profile.hosts));
  if (provider !== 'other') return inTrace(RECEIVERS[provider]) ? RECEIVERS[provider] : undefined;
  return Object.values(RECEIVERS).find(inTrace);
}

/** The parent domain of a host name (mx1.example.org → example.org); the name itself when it has two labels. */
const parent = (host: string) => {
  const labels = host.split('.');
  return labels.length > 2 ? labels.slice(1).join('.') : host;
};

/**
 * Whether an unknown receiver's authserv-id names the host that received the message: the same name,
 * one inside the other (mx.example.org and example.org), or siblings (mx1 and filter.example.org).
 */
export function sameOperator(authservId: string, byHost: string): boolean {
  const a = authservId.toLowerCase();
  const b = byHost.toLowerCase();
  if (!a.includes('.') || !b.includes('.')) return false;
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`) || parent(a) === parent(b);
}
