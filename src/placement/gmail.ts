import { GMAIL_CATEGORIES, type GmailCategory } from './types.js';

/** Gmail advertises X-GM-EXT-1; only there do X-GM-RAW searches and X-GM-LABELS exist. */
export const isGmail = (capabilities: Iterable<string>) => [...capabilities].some((c) => c.toUpperCase() === 'X-GM-EXT-1');

/** The X-GM-RAW query that asks whether one message sits in one tab. */
export const categoryQuery = (category: GmailCategory) => `category:${category}`;

/**
 * The tab a message sits in, from the answers to one `category:` search per tab (X-GM-LABELS does not
 * carry tabs). With tabs switched off no search matches, and the message is plainly in the inbox.
 * A message matched by several categories (Gmail's "primary" is the absence of the others) takes the
 * most specific one.
 */
export function gmailTab(hits: Partial<Record<GmailCategory, boolean>>): GmailCategory | undefined {
  const specific = GMAIL_CATEGORIES.filter((c) => c !== 'primary' && hits[c]);
  if (specific[0]) return specific[0];
  return hits.primary ? 'primary' : undefined;
}

/**
 * Labels as stored: sorted, system labels (`\Inbox`, `\Important`) kept with their backslash so they
 * cannot be confused with a user label of the same word.
 */
export function normaliseLabels(labels: Iterable<string> | undefined): string[] {
  if (!labels) return [];
  return [...new Set([...labels].map((l) => l.trim()).filter(Boolean))].sort((a, b) => a.localeCompare(b));
}

/** Whether Gmail itself labelled the message spam, which outranks the folder it was read from. */
export const labelledSpam = (labels: readonly string[]) => labels.some((l) => l === '\\Spam' || l.toLowerCase() === 'spam');

/** Runs an X-GM-RAW search restricted to one UID in the selected mailbox; true when it matched. */
export type GmailRawSearch = (uid: number, raw: string) => Promise<boolean>;

/** Asks Gmail which tab the message with this UID sits in, one `category:` search per tab. */
export async function detectGmailTab(uid: number, search: GmailRawSearch): Promise<GmailCategory | undefined> {
  const hits: Partial<Record<GmailCategory, boolean>> = {};
  for (const category of GMAIL_CATEGORIES) hits[category] = await search(uid, categoryQuery(category));
  return gmailTab(hits);
}
