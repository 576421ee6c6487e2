/**
 * Where a seed mailbox lives. GMX covers web.de (one platform), Yahoo covers AOL, NetEase covers 163.com,
 * 126.com and yeah.net; `other` is any other IMAP server.
 */
export const MAILBOX_PROVIDERS = ['gmail', 'outlook', 'yahoo', 'icloud', 'gmx', 'zoho', 'fastmail', 'qq', 'netease', 'aliyun', 'other'] as const;
export type MailboxProvider = (typeof MAILBOX_PROVIDERS)[number];

/** What a mailbox provider's IMAP takes instead of the account password, and where users get it. */
export interface AppPassword {
  provider: string;
  /** The name the provider's own settings use, in English and as its UI shows it. */
  name: string;
  where: string;
}

/**
 * QQ Mail, NetEase and Aliyun Mail refuse the web password over IMAP (and offer no OAuth2 for it): a client
 * logs in with a code generated in the web settings after IMAP is switched on.
 */
export const APP_PASSWORDS: Partial<Record<MailboxProvider, AppPassword>> = {
  qq: { provider: 'QQ Mail', name: 'authorisation code (授权码)', where: 'Settings → Account → POP3/IMAP/SMTP/Exchange/CardDAV/CalDAV service → generate authorisation code' },
  netease: {
    provider: 'NetEase Mail (163.com, 126.com, yeah.net)',
    name: 'client authorisation code (客户端授权密码)',
    where: 'Settings → POP3/SMTP/IMAP → enable IMAP/SMTP service → add authorisation code',
  },
  aliyun: {
    provider: 'Aliyun Mail',
    name: 'third-party client security password (三方客户端安全密码)',
    where: 'Settings → Account & Security → Security → third-party client security password',
  },
};

/** One sentence for config errors and login failures: what to put in imap.pass for this provider. */
export function appPasswordHint(provider: MailboxProvider): string | undefined {
  const code = APP_PASSWORDS[provider];
  if (!code) return undefined;
  return `${code.provider} takes an app-specific code over IMAP, not the account password: the ${code.name} (${code.where})`;
}

/**
 * NetEase answers SELECT/EXAMINE with "NO … Unsafe Login" to a client that did not identify itself with
 * IMAP ID (RFC 2971) first; the collector always sends ID, so this reaching us is a refusal to fix there.
 */
export const isUnsafeLoginRefusal = (text: string | undefined) => text !== undefined && /unsafe login/i.test(text);
