import { classifyFound, timing, type FolderRole } from './classify.js';
import { angleAddress, type Header, parseHops, parseSpamIndicators, receiverVerdicts, receiverZoneEnd, receivingHopIndex, splitHeaders } from './headers.js';
import { receiverProfile } from './receivers.js';
import type { AuthVerdicts, GmailCategory, Hop, MailboxProvider, Placement, SpamIndicators } from './types.js';

/** What the mailbox reader saw of one candidate message; no interpretation yet. */
export interface Observation {
  seed: string;
  folder: string;
  role: FolderRole;
  uid: number;
  /** Message-ID and From address as the envelope gives them. */
  messageId?: string;
  from?: string;
  internalDate?: number;
  /** The full header block as received. */
  headers: string;
  labels: string[];
  tab?: GmailCategory;
  foldersSearched: string[];
  observedAt: number;
}

export interface Expected {
  messageId: string;
  fromAddress: string;
  sentAt: number | null;
  providerIps: readonly string[];
  /** The seed's mailbox provider, whose trace conventions say which headers are the receiver's. */
  mailboxProvider: MailboxProvider;
}

/** Ours only when both the Message-ID and the From address match: a bounce quoting the token is not. */
export function isOurs(observation: Pick<Observation, 'messageId' | 'from'>, expected: Pick<Expected, 'messageId' | 'fromAddress'>): boolean {
  return (
    angleAddress(observation.messageId) === angleAddress(expected.messageId) &&
    angleAddress(observation.from) === angleAddress(expected.fromAddress)
  );
}

export interface FoundVerdict {
  placement: Placement;
  folder: string;
  labels: string[];
  foldersSearched: string[];
  arrivedAt: number | null;
  receivedAt: number | null;
  latencyMs: number | null;
  latencySource: 'internaldate' | 'received' | null;
  clockSkewMs: number | null;
  late: boolean;
  receiverAuth: AuthVerdicts | null;
  spam: SpamIndicators;
  hops: Hop[];
  /** The hop whose connecting IP our own verification uses. */
  receivingHop: Hop | null;
  returnPath: string | null;
  headers: string;
  observedAt: number;
}

/**
 * The Received chain, the hop where the receiver took the message from the sending relay, and the
 * receiver's own authentication verdicts, read with the seed's mailbox provider's conventions.
 */
export function readTrace(headers: readonly Header[], expected: Pick<Expected, 'providerIps' | 'mailboxProvider'>): { hops: Hop[]; hop: Hop | null; receiverAuth: AuthVerdicts | null } {
  const hops = parseHops(headers);
  const profile = receiverProfile(expected.mailboxProvider, hops.map((h) => h.by));
  const index = receivingHopIndex(hops, expected.providerIps, profile);
  const hop = hops[index] ?? null;
  const receiverAuth = receiverVerdicts(headers, { zoneEnd: receiverZoneEnd(headers, index), profile, by: hop?.by }) ?? null;
  return { hops, hop, receiverAuth };
}

export function analyse(observation: Observation, expected: Expected, test: { startedAt: number; lateAfterMs: number }): FoundVerdict {
  const headers = splitHeaders(observation.headers);
  const { hops, hop, receiverAuth } = readTrace(headers, expected);
  const when = timing({
    sentAt: expected.sentAt,
    testStartedAt: test.startedAt,
    arrivedAt: observation.internalDate,
    receivedAt: hop?.at,
    observedAt: observation.observedAt,
    lateAfterMs: test.lateAfterMs,
  });
  const returnPath = headers.find((h) => h.name === 'return-path')?.value;
  return {
    placement: classifyFound({ role: observation.role, tab: observation.tab, labels: observation.labels }),
    folder: observation.folder,
    labels: observation.labels,
    foldersSearched: observation.foldersSearched,
    arrivedAt: observation.internalDate ?? null,
    receivedAt: hop?.at ?? null,
    ...when,
    receiverAuth,
    spam: parseSpamIndicators(headers),
    hops,
    receivingHop: hop,
    returnPath: angleAddress(returnPath) ?? null,
    headers: observation.headers,
    observedAt: observation.observedAt,
  };
}
