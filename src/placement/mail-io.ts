import type { ProviderConfig, SeedConfig } from '../config/schema.js';
import type { Resolver } from '../dns/types.js';
import type { Observation } from './analyse.js';
import type { AuthVerdicts, Hop } from './types.js';

/*
 * The mail transport and mailbox reader a placement test needs. The decisions are portable; sockets are
 * not, so each runtime supplies these (Node: nodemailer, imapflow, mailauth under src/node/).
 */

export interface Outgoing {
  token: string;
  to: string;
  messageId: string;
}

export type SendResult = { ok: true; at: number; response: string; queueId: string | null } | { ok: false; error: string; response: string | null };

export interface ProviderSender {
  send(message: Outgoing): Promise<SendResult>;
  close(): void;
}

/** One message we are waiting for in one seed mailbox. */
export interface CollectTarget {
  token: string;
  messageId: string;
  fromAddress: string;
}

export interface Found {
  observation: Observation;
  /** The raw message, for our own authentication checks. */
  source: Uint8Array;
}

export interface SeedFailure {
  message: string;
  /** Retrying will not help (bad credentials, a refused refresh token, no spam folder to read). */
  permanent: boolean;
  at: number;
}

export interface Watch {
  target: CollectTarget;
  /** Called once when the message turns up; the collector waits for it before deleting the message. */
  found(found: Found): Promise<void>;
  /** Called on every failure to read the mailbox while this watch is open. */
  failed(failure: SeedFailure): void;
}

/** Whether a search of every folder completed, and if not, why. */
export type PassResult = { completed: true; folders: string[] } | { completed: false; reason: string };

export interface SeedHealthSink {
  login(seed: string, at: number, quota?: { used: number; limit: number; warning: string | null }): Promise<void>;
  failure(seed: string, at: number, error: string): Promise<void>;
}

export interface Collector {
  /** Starts looking for a message in a seed mailbox; returns the function that stops looking. */
  watch(seed: SeedConfig, watch: Watch): () => void;
  /** The last failure reading this seed, while it has not logged in successfully since. */
  failure(seed: string): SeedFailure | undefined;
  /** The folders searched in this seed on the last pass. */
  foldersSearched(seed: string): string[];
  /**
   * Settles once every folder of this seed has been searched again, starting the pass now, or once that
   * search failed (or cannot start: the seed is failing and waiting to retry). Nothing is called missing
   * without a completed one.
   */
  afterNextPass(seed: string): Promise<PassResult>;
  close(): Promise<void>;
}

/** Our own SPF/DKIM/DMARC/ARC verdicts on a message as it arrived. */
export type LocalVerifier = (source: Uint8Array, context: { hop: Hop | null; returnPath: string | null }, resolver: Resolver) => Promise<AuthVerdicts>;

export type SenderFactory = (provider: ProviderConfig, resolver: Resolver) => Promise<ProviderSender>;
