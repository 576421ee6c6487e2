import type { CurrentHealth, CurrentStatus } from '../blocklists/history.js';
import type { DomainDays, DomainSources } from '../reports/dmarc-facts.js';

/** The stored facts the rules read, loaded once per evaluation by the alert store. */
export interface Facts {
  blocklistStatuses: CurrentStatus[];
  blocklistHealth: CurrentHealth[];
  /** The last finished (ok or error) run of each job. */
  latestRuns: RunFact[];
  seeds: SeedFact[];
  /** Per provider, its messages in the most recent test it took part in. */
  sends: SendFact[];
  /** Verdicts of the most recent completed tests, newest test first (as many tests as the widest rule window). */
  verdicts: VerdictFact[];
  /** Audits stored since the rules last read, oldest first, each with the audits of its domain before it. */
  audits: AuditFact[];
  /** DNS record changes stored since the rules last read, oldest first. */
  recordChanges: RecordChangeFact[];
  /** What DMARC aggregate reports say, loaded only as far as the configured report rules need. */
  dmarc: DmarcFacts;
}

export interface DmarcFacts {
  /** When the facts were read: silence is measured up to it. */
  now: number;
  /** Per reported domain, the report days the widest pass-rate rule reads (its window and the one before). */
  days: DomainDays[];
  /** Per `sourceWindowKey(window, lookback)`: each reported domain's sources in that window. */
  sources: Map<string, DomainSources[]>;
  /** Per reported domain, when its last aggregate report arrived and where its DMARC record sends them. */
  arrivals: ArrivalFact[];
  /** `reports.address`: where our report mailbox receives reports, if configured. */
  reportAddress: string | undefined;
}

export interface ArrivalFact {
  domain: string;
  lastReportAt: number;
  /** The rua addresses of the DMARC record the last audit found applying to the domain; null when no audit has seen it. */
  rua: string[] | null;
}

export const sourceWindowKey = (window: number, lookback: number): string => `${window} ${lookback}`;

export interface RunFact {
  id: number;
  job: string;
  status: 'ok' | 'error';
  finishedAt: number;
  error: string | null;
  /** Consecutive errored runs ending with this one. */
  failures: number;
  /** When the first of those failures began. */
  failingSince: number | null;
}

export interface SeedFact {
  seed: string;
  consecutiveFailures: number;
  lastError: string | null;
  lastFailureAt: number | null;
  updatedAt: number;
}

export interface SendFact {
  provider: string;
  testId: number;
  startedAt: number;
  sent: number;
  failed: number;
  lastError: string | null;
}

export type AuthResult = 'pass' | 'fail' | 'none' | 'neutral' | 'softfail' | 'temperror' | 'permerror';

export interface VerdictFact {
  testId: number;
  testStartedAt: number;
  provider: string;
  mailboxProvider: string;
  seed: string;
  placement: string;
  /** What the receiving mailbox said about SPF, DKIM and DMARC, when it said anything. */
  auth: { spf: AuthResult; dkim: AuthResult; dmarc: AuthResult } | null;
}

export interface CheckFact {
  checkId: string;
  subject: string | null;
  status: 'pass' | 'warn' | 'fail' | 'error' | 'info';
  message: string;
  remediation: string | null;
}

export interface AuditFact {
  id: number;
  domain: string;
  finishedAt: number;
  checks: CheckFact[];
  /** Up to five earlier audits of the domain, newest first: a check that errored in between still has a last known status. */
  earlier: Array<{ id: number; finishedAt: number; checks: CheckFact[] }>;
}

export interface RecordChangeFact {
  id: number;
  domain: string;
  kind: string;
  name: string;
  change: 'added' | 'removed' | 'changed';
  before: string[];
  after: string[];
  observedAt: number;
  auditId: number;
}
