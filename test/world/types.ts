import type { ReceiverShape } from './receiver-shapes.js';

/**
 * What a running world tells its tests. Plain data only: it crosses from Vitest's globalSetup to the test
 * workers by structured clone.
 */

export interface Endpoint {
  host: string;
  port: number;
}

export interface DnsEndpoint extends Endpoint {
  /** `127.0.0.1:PORT`, as `dns.servers`, `INBOXWATCH_DNS_SERVERS` and `Resolver#setServers` take it. */
  server: string;
}

export interface SeedAccount {
  address: string;
  password: string;
}

/** A relay turns the message down instead of accepting it. */
export interface RelayRejection {
  stage: 'rcpt' | 'data';
  /** A 4xx or 5xx reply code. */
  code: number;
  /** The reply text after the code, e.g. `5.7.1 Sender blocked`. */
  message: string;
}

export interface RelayOptions {
  /** The loopback address the relay forwards from: what the receiving MX checks SPF against. */
  sourceAddress: string;
  /** The name the relay gives in EHLO when forwarding. */
  heloName: string;
  reject?: RelayRejection;
  /** Allocate a port but never listen on it, so connecting is refused. */
  refuseConnections?: boolean;
  /** Wait this long after the message is forwarded before answering 250. */
  acceptDelayMs?: number;
}

/** A provider relay: submit with AUTH PLAIN or LOGIN, no TLS. */
export interface RelayInfo extends Endpoint, RelayOptions {
  name: string;
  user: string;
  password: string;
}

/** How the MX treats mail for one recipient; set at runtime, absent means "deliver now, judge by DMARC". */
export interface RecipientRule {
  /** Accept with 250 and never deliver: the "missing" case. */
  drop?: boolean;
  /** Deliver this many milliseconds after accepting: the "late" case. */
  delayMs?: number;
  /** Mark as spam (so Sieve files it into Junk) whatever authentication says. */
  spam?: boolean;
  /** Stamp the trace the way this receiver does (test/world/receiver-shapes.ts) instead of the test MX's own. */
  receiver?: ReceiverShape;
  /** Headers the message arrives with above the relay's own Received, as a relay (or a forger) prepends them. */
  upstream?: string[];
  /** File spam into the Chinese-named 垃圾邮件 (no special-use flag), as NetEase and Aliyun Mail name it, instead of Junk. */
  chineseJunk?: boolean;
  /**
   * Write Received dates with milliseconds (`12:00:01.234`), and a second Received when handing the message
   * to the store, as some receivers do; without it dates have whole seconds, as RFC 5322 writes them.
   */
  stampMs?: boolean;
  /**
   * The receiver's clock runs this far ahead of ours (negative: behind): its Received dates, and the
   * INTERNALDATE it stores (the MX then delivers into INBOX by IMAP APPEND, which sets it, instead of LMTP).
   */
  clockOffsetMs?: number;
}

/** One message the MX handed to Dovecot, by the machine's clock (the one inboxwatch reads too). */
export interface Delivery {
  messageId: string;
  /** When the MX took the message (its Received date). */
  acceptedAt: number;
  /** The LMTP transaction's start and reply: Dovecot stamped INTERNALDATE in between. */
  deliveryStartedAt: number;
  deliveredAt: number;
}

export interface WorldInfo {
  /** Everything the world writes (state, logs, mail) is under here; removed on stop. */
  tempDir: string;
  dns: DnsEndpoint & { zones: string[] };
  faultyDns: {
    /** Never answers, over UDP or TCP: resolvers get ETIMEOUT. */
    silent: DnsEndpoint;
    /** Answers SERVFAIL to everything: resolvers get ESERVFAIL. */
    servfail: DnsEndpoint;
  };
  imap: Endpoint;
  lmtp: Endpoint;
  /** The seeds' MX; relays forward here. */
  mx: Endpoint & { hostname: string };
  relays: Record<string, RelayInfo>;
  seeds: SeedAccount[];
  domains: {
    /** SPF permits the `good` relay's source address, DKIM selector `s1`, DMARC p=reject. */
    good: string;
    /** SPF permits no relay, no DKIM key, DMARC p=quarantine: every message fails DMARC. */
    bad: string;
    /** The seed mailboxes' domain. */
    seeds: string;
  };
  /** The key `good`'s DKIM record publishes, for signing test messages (e.g. nodemailer's `dkim` option). */
  dkim: { domainName: string; keySelector: string; privateKey: string };
  /** Base URL of the world's control API (recipient rules), for tests in other processes. */
  controlUrl: string;
  /** Every seed can also log in with OAuth2 (XOAUTH2/OAUTHBEARER): a refresh token per seed for this token endpoint. */
  oauth2: {
    tokenUrl: string;
    clientId: string;
    clientSecret: string;
    refreshTokens: Record<string, string>;
    /** Refused by the token endpoint with invalid_grant, as a revoked Google or Microsoft refresh token is. */
    revokedRefreshToken: string;
  };
}
