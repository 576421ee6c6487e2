import type { Resolver } from '../dns/types.js';

/** A DKIM public key as mailauth's verifier reads it. */
export interface DkimKey {
  publicKey: string;
  /** Bits of an RSA key; undefined for ed25519. */
  modulusLength?: number;
  keyType: 'rsa' | 'ed25519';
  /** True when the record has no k= tag but the key is not RSA: k defaults to rsa (RFC 6376 §3.6.1). */
  typeInferred: boolean;
}

/** An MTA-STS policy file as senders read it (RFC 8461 §3.2). */
export interface MtaStsPolicy {
  mode: string;
  maxAge?: number;
  mx?: string[];
}

/** What a BIMI lookup and validation came to; undefined when there was nothing to look up. */
export interface BimiOutcome {
  result: string;
  comment: string;
  rr?: string;
  location?: string;
  authority?: string;
}

/**
 * The audit's checks that are mailauth's (never hand-rolled), whose modules load node:crypto, node:dns,
 * node:https and undici. A runtime's composition root supplies them; on Node that is mailauth itself
 * (src/node/mailauth-audit.ts). Everything else the audit decides is portable.
 */
export interface AuditToolkit {
  /** Parses a DKIM key record; rejects when receivers could not use the key. */
  readDkimKey(name: string, record: string): Promise<DkimKey>;
  /** Parses a policy file; throws with the reason when it is invalid. */
  parseMtaStsPolicy(body: string): MtaStsPolicy;
  /** Whether an MX host matches one of the policy's mx patterns. */
  mxMatchesPolicy(host: string, policy: MtaStsPolicy): boolean;
  /** Looks up default._bimi.<domain> through the resolver and validates it as a receiver would at DMARC enforcement. */
  lookupBimi(resolver: Resolver, domain: string): Promise<BimiOutcome | undefined>;
}
