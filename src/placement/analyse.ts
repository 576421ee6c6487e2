import { classifyFound, type FolderRole } from './classify.js';
import { angleAddress, type Header, parseHops, parseSpamIndicators, receiverVerdicts, receiverZoneEnd, receivingHopIndex, splitHeaders } from './headers.js';
import { isLate, latencyInterval, WHOLE_SECOND, type Latency, type Stamp } from './latency.js';
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
  /** When the search that listed it returned, by our clock: it had arrived by then. */
  observedAt: number;
}

export interface Expected {
  messageId: string;
  fromAddress: string;
  sentAt: number | null;
  sendStartedAt: number | null;
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
  latencyErrorMs: number | null;
  latencyLowMs: number | null;
  latencyHighMs: number | null;
  latencySource: Latency['latencySource'] | null;
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
  const { latency, clockSkewMs } = latencyInterval({
    sentAt: expected.sentAt,
    sendStartedAt: expected.sendStartedAt,
    internalDate: observation.internalDate,
    receivingHop: hop ? stampOf(hop) : undefined,
    receiverStamps: receiverSide(hops, hop).map(stampOf).filter((s): s is Stamp => s !== undefined),
    seenAt: observation.observedAt,
  });
  const late = isLate(latency, { sentAt: expected.sentAt, testStartedAt: test.startedAt, seenAt: observation.observedAt, lateAfterMs: test.lateAfterMs });
  const returnPath = headers.find((h) => h.name === 'return-path')?.value;
  return {
    placement: classifyFound({ role: observation.role, tab: observation.tab, labels: observation.labels }),
    folder: observation.folder,
    labels: observation.labels,
    foldersSearched: observation.foldersSearched,
    arrivedAt: observation.internalDate ?? null,
    receivedAt: hop?.at ?? null,
    latencyMs: latency?.latencyMs ?? null,
    latencyErrorMs: latency?.latencyErrorMs ?? null,
    latencyLowMs: latency?.latencyLowMs ?? null,
    latencyHighMs: latency?.latencyHighMs ?? null,
    latencySource: latency?.latencySource ?? null,
    clockSkewMs,
    late,
    receiverAuth,
    spam: parseSpamIndicators(headers),
    hops,
    receivingHop: hop,
    returnPath: angleAddress(returnPath) ?? null,
    headers: observation.headers,
    observedAt: observation.observedAt,
  };
}

function stampOf(hop: Hop): Stamp | undefined {
  return hop.at === undefined ? undefined : { at: hop.at, resolutionMs: hop.atResolutionMs ?? WHOLE_SECOND };
}

/** The receiving hop and the hops the receiver added above it (top first), none when there is no receiving hop. */
function receiverSide(hops: readonly Hop[], hop: Hop | null): Hop[] {
  return hop === null ? [] : hops.slice(0, hops.indexOf(hop) + 1);
}
