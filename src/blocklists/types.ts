export type { CodeEffect, CodeRule, ListDefinition, TargetKind } from '../config/blocklist-catalogue.js';

export type Severity = 'high' | 'info';

export type CheckStatus = 'listed' | 'clean' | 'error';

export interface CheckResult {
  target: string;
  zone: string;
  list: string;
  status: CheckStatus;
  /** Listings only: `info` for policy listings, `high` for reputation listings. */
  severity: Severity | null;
  /** An allowlist entry: a positive signal, reported with status `clean`. */
  allowlisted: boolean;
  codes: string[];
  meaning: string | null;
  reason: string | null;
  delistUrl: string | null;
  error: string | null;
}

export interface ListHealth {
  zone: string;
  list: string;
  healthy: boolean;
  /** Why the list was not trusted this sweep. */
  cause: string | null;
}
