/** Vocabulary shared by the placement modules; plain data, no I/O. */

export const PLACEMENTS = [
  'inbox',
  'spam',
  'promotions',
  'social',
  'updates',
  'forums',
  'other-folder',
  'missing',
  'error',
  'send-error',
] as const;
export type Placement = (typeof PLACEMENTS)[number];

export { MAILBOX_PROVIDERS, type MailboxProvider } from '../config/mailbox-providers.js';

/** Gmail's inbox tabs, as X-GM-RAW `category:` names them. */
export const GMAIL_CATEGORIES = ['primary', 'promotions', 'social', 'updates', 'forums'] as const;
export type GmailCategory = (typeof GMAIL_CATEGORIES)[number];

/** Placements that say where the receiver put our mail (facts), as opposed to our own faults. */
export const OBSERVED_PLACEMENTS: readonly Placement[] = ['inbox', 'spam', 'promotions', 'social', 'updates', 'forums', 'other-folder', 'missing'];

export type AuthWord = 'pass' | 'fail' | 'none' | 'neutral' | 'softfail' | 'temperror' | 'permerror';

export interface AuthSummary {
  spf: AuthWord;
  dkim: AuthWord;
  dmarc: AuthWord;
  arc?: AuthWord;
}

/** One method's result with the domains it concerned, kept as evidence. */
export interface AuthDetail {
  method: string;
  result: AuthWord;
  domain?: string;
  selector?: string;
  reason?: string;
}

export interface AuthVerdicts {
  summary: AuthSummary;
  details: AuthDetail[];
  /** Who said so: the receiver's authserv-id, or "inboxwatch" for our own mailauth verification. */
  by: string;
}

export interface SpamIndicators {
  flag?: boolean;
  score?: number;
  required?: number;
  tests?: string[];
  /** Exchange Online spam confidence level (-1..9; 5 and up is junk). */
  scl?: number;
  /** Microsoft bulk complaint level (0..9). */
  bcl?: number;
  /** Microsoft spam filter verdict, e.g. SPM, NSPM, SKS. */
  sfv?: string;
  report?: string;
  /** Every spam-related header as received, lower-cased names. */
  headers: Record<string, string[]>;
}

export interface Hop {
  from?: string;
  ip?: string;
  by?: string;
  with?: string;
  /** true/false when the header says so (ESMTPS vs ESMTP, a TLS version comment), undefined when it does not. */
  tls?: boolean;
  tlsVersion?: string;
  at?: number;
  /** How finely `at` was written: 1000 for whole seconds, 1 for milliseconds. */
  atResolutionMs?: number;
}
