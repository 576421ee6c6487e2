import type { MailboxProvider } from './types.js';

export interface MailboxEntry {
  path: string;
  /** The special-use flag the server advertised, e.g. `\Junk` (not imapflow's name-based guess). */
  specialUse?: string;
  /** Whether `specialUse` came from the server (SPECIAL-USE/XLIST) rather than a guess from the name. */
  advertised?: boolean;
  delimiter?: string;
}

/**
 * Spam folder names by mailbox provider, best first. Exchange Online advertises no special-use flags and
 * calls it "Junk Email"; Yahoo calls it "Bulk" (older accounts "Bulk Mail"); GMX and web.de
 * "Spamverdacht"; NetEase and Aliyun Mail list "垃圾邮件" (modified UTF-7 `&V4NXPpCuTvY-`, which imapflow
 * decodes) without a special-use flag, QQ Mail "Junk" or "垃圾箱"; the rest are the common names and
 * their usual translations.
 */
const KNOWN: Record<MailboxProvider, readonly string[]> = {
  gmail: ['[Gmail]/Spam', '[Google Mail]/Spam'],
  outlook: ['Junk Email', 'Junk E-mail', 'Junk-E-Mail'],
  yahoo: ['Bulk', 'Bulk Mail'],
  icloud: ['Junk'],
  gmx: ['Spamverdacht', 'Spam'],
  zoho: ['Spam'],
  fastmail: ['Spam'],
  qq: ['Junk', '垃圾箱'],
  netease: ['垃圾邮件'],
  aliyun: ['垃圾邮件'],
  other: [],
};

const GENERIC = [
  'Spam',
  'Junk',
  'Junk Email',
  'Junk E-mail',
  'Bulk',
  'Bulk Mail',
  'INBOX.Spam',
  'INBOX.Junk',
  'Junk-E-Mail',
  'Spamverdacht',
  'Courrier indésirable',
  'Pourriel',
  'Correo no deseado',
  'Posta indesiderata',
  'Ongewenste e-mail',
  'Lixo Eletrônico',
  'Skräppost',
  'Nevyžádaná pošta',
  'Спам',
  'Нежелательная почта',
  '垃圾邮件',
  '垃圾箱',
];

const leaf = (entry: MailboxEntry) => {
  const d = entry.delimiter;
  return (d ? entry.path.split(d).pop() : entry.path)?.toLowerCase() ?? '';
};

/**
 * Where this seed's spam goes: the configured name, else the folder the server flags `\Junk`, else the
 * provider's known name, else a common (or localised) one, matched on the full path and then on the
 * last path segment. Undefined when the mailbox has none we can recognise.
 */
export function findSpamFolder(mailboxes: readonly MailboxEntry[], provider: MailboxProvider, configured?: string): string | undefined {
  if (configured !== undefined) return mailboxes.find((m) => m.path === configured)?.path ?? mailboxes.find((m) => m.path.toLowerCase() === configured.toLowerCase())?.path;
  const flagged = mailboxes.find((m) => m.advertised !== false && m.specialUse === '\\Junk');
  if (flagged) return flagged.path;
  for (const name of [...KNOWN[provider], ...GENERIC]) {
    const wanted = name.toLowerCase();
    const exact = mailboxes.find((m) => m.path.toLowerCase() === wanted);
    if (exact) return exact.path;
  }
  for (const name of [...KNOWN[provider], ...GENERIC]) {
    const wanted = name.toLowerCase();
    const byLeaf = mailboxes.find((m) => leaf(m) === wanted);
    if (byLeaf) return byLeaf.path;
  }
  return undefined;
}

/** The folders to search, in order: spam first, then INBOX, then the configured extras, each once. */
export function foldersToSearch(spam: string | undefined, extras: readonly string[]): string[] {
  const order = [spam, 'INBOX', ...extras].filter((f): f is string => f !== undefined);
  const seen = new Set<string>();
  return order.filter((f) => {
    const key = f.toUpperCase() === 'INBOX' ? 'INBOX' : f;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
