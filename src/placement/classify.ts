import { labelledSpam } from './gmail.js';
import type { GmailCategory, Placement } from './types.js';

export type FolderRole = 'spam' | 'inbox' | 'other';

export function folderRole(folder: string, spamFolder: string | undefined): FolderRole {
  if (spamFolder !== undefined && folder === spamFolder) return 'spam';
  if (folder.toUpperCase() === 'INBOX') return 'inbox';
  return 'other';
}

/** Where a found message landed. A Gmail tab other than Primary is its own placement; Primary is the inbox. */
export function classifyFound(found: { role: FolderRole; tab?: GmailCategory; labels?: readonly string[] }): Placement {
  if (found.role === 'spam' || labelledSpam(found.labels ?? [])) return 'spam';
  if (found.role === 'other') return 'other-folder';
  if (found.tab && found.tab !== 'primary') return found.tab;
  return 'inbox';
}

export type SendStatus = 'pending' | 'sending' | 'sent' | 'error' | 'interrupted';

export interface UnfoundInput {
  sendStatus: SendStatus;
  sendError?: string | null;
  now: number;
  deadline: number;
  /** The last failure to read this seed's mailbox; `permanent` when retrying cannot help (bad credentials). */
  seedError?: { message: string; permanent: boolean } | undefined;
  /** The last search of every folder, past the deadline: missing is only claimed when it completed. */
  finalSearch?: { completed: true } | { completed: false; reason: string } | undefined;
}

export type Unfound = { state: 'pending' } | { state: 'final'; placement: Extract<Placement, 'missing' | 'error' | 'send-error'>; error?: string };

/**
 * The state of a message we have not found. A send failure is never "missing" (it was not sent), and
 * neither is a mailbox we could not read ("error"): missing is only claimed when we looked, in a
 * mailbox we could read, until the timeout, and a search of every folder past the deadline completed.
 */
export function unfound(input: UnfoundInput): Unfound {
  if (input.sendStatus === 'error') return { state: 'final', placement: 'send-error', error: input.sendError ?? 'send failed' };
  if (input.seedError?.permanent) return { state: 'final', placement: 'error', error: input.seedError.message };
  if (input.now < input.deadline) return { state: 'pending' };
  if (input.seedError) return { state: 'final', placement: 'error', error: input.seedError.message };
  if (input.sendStatus !== 'sent' && input.sendStatus !== 'interrupted') {
    return { state: 'final', placement: 'send-error', error: 'not sent before the test timed out' };
  }
  if (input.finalSearch?.completed !== true) {
    const why = input.finalSearch ? input.finalSearch.reason : 'no search of the mailbox was made';
    return { state: 'final', placement: 'error', error: `the last search of every folder did not complete: ${why}` };
  }
  if (input.sendStatus === 'interrupted') {
    return { state: 'final', placement: 'send-error', error: 'the process stopped during the SMTP transaction; not re-sent, and it never arrived' };
  }
  return { state: 'final', placement: 'missing' };
}
