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

export interface TimingInput {
  /** When the provider's SMTP server answered 250 to our DATA, by our clock; null when unknown. */
  sentAt: number | null;
  testStartedAt: number;
  /** INTERNALDATE: when the receiver's store took it, by the receiver's clock (one-second resolution). */
  arrivedAt?: number;
  /** Date of the receiving hop's Received header, the receiver's clock again. */
  receivedAt?: number;
  /** When we found it, by our clock. */
  observedAt: number;
  lateAfterMs: number;
}

export interface Timing {
  latencyMs: number | null;
  latencySource: 'internaldate' | 'received' | null;
  /** How far the receiver's clock claims the message arrived before we sent it; never stored as a latency. */
  clockSkewMs: number | null;
  late: boolean;
}

const SECOND = 1000;
/** Clocks a little apart are normal (NTP, and a relay that answers 250 only after delivering); beyond this it is skew. */
const SKEW_TOLERANCE = 2 * SECOND;

/**
 * Latency from the 250 answer to arrival. Both receiver timestamps carry whole seconds, so an arrival
 * stamped up to a second (plus a small tolerance) before the 250 is a latency under a second (0), not a
 * clock problem; only one stamped earlier still is clock skew, and stores no latency. The Date header is
 * the sender's clock and is never used.
 */
export function timing(input: TimingInput): Timing {
  const arrival = input.arrivedAt ?? input.receivedAt;
  const source = input.arrivedAt !== undefined ? 'internaldate' : input.receivedAt !== undefined ? 'received' : null;
  let latencyMs: number | null = null;
  let clockSkewMs: number | null = null;
  if (input.sentAt !== null && arrival !== undefined) {
    const delta = arrival - input.sentAt;
    if (arrival + SECOND + SKEW_TOLERANCE <= input.sentAt) clockSkewMs = -delta;
    else latencyMs = Math.max(0, delta);
  }
  const waited = latencyMs ?? input.observedAt - (input.sentAt ?? input.testStartedAt);
  return { latencyMs, latencySource: latencyMs === null ? null : source, clockSkewMs, late: waited > input.lateAfterMs };
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
