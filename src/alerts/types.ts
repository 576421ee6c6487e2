import type { AlertRule } from '../config/schema.js';

export type AlertSeverity = 'critical' | 'warning' | 'info';
export type RuleType = AlertRule['type'];

/** One line of evidence: what we saw, as a label and a value, e.g. "return code" → "127.0.0.2". */
export interface Evidence {
  label: string;
  value: string;
}

/**
 * What a rule concluded about one key (a target on a list, a provider's inbox rate, a job) from the
 * stored facts. `fact` identifies the facts it read: an observation of facts already counted changes nothing,
 * so evaluating twice between two sweeps does not count twice.
 */
export interface Observation {
  key: string;
  fact: string;
  state: 'bad' | 'good';
  /** Bad observations: the subject line, e.g. "LISTED: 192.0.2.20 on Spamhaus ZEN (SBL)". */
  title: string;
  /** Bad observations: one sentence on what changed. */
  summary: string;
  /** When the condition began, as far as the facts tell. */
  since: number;
  evidence: Evidence[];
  /** What to do about it: delisting pages, DNS fixes. */
  actions: string[];
  /** Dashboard path (appended to the dashboard URL) that shows the facts. */
  link: string;
  /** For change events (a record edited): resolves quietly when the next audit sees no further change. */
  event?: boolean;
}

export type IncidentState = 'pending' | 'firing' | 'resolved';

export interface Incident {
  id: number;
  rule: string;
  ruleType: RuleType;
  key: string;
  severity: AlertSeverity;
  state: IncidentState;
  title: string;
  observation: Observation;
  badCount: number;
  goodCount: number;
  lastFact: string;
  startedAt: number;
  firedAt: number | null;
  resolvedAt: number | null;
  lastSeenAt: number;
  lastNotifiedAt: number | null;
  silencedUntil: number | null;
  ackedAt: number | null;
  ackedBy: string | null;
}

export type NotificationKind = 'firing' | 'resolved' | 'repeat';

/** One incident's part of a notification. */
export interface NotificationItem {
  kind: NotificationKind;
  incidentId: number;
  rule: string;
  ruleType: RuleType;
  severity: AlertSeverity;
  key: string;
  title: string;
  summary: string;
  since: number;
  resolvedAt: number | null;
  evidence: Evidence[];
  actions: string[];
  link: string;
}

export interface DigestSection {
  heading: string;
  lines: string[];
}

/** What goes through a channel; each channel renders it its own way (email, JSON, Slack). */
export type Notification =
  | { kind: 'alert'; createdAt: number; dashboardUrl: string; items: NotificationItem[] }
  | { kind: 'digest'; createdAt: number; dashboardUrl: string; from: number; sections: DigestSection[] }
  | { kind: 'test'; createdAt: number; dashboardUrl: string; channel: string };

/** A channel's transport: sends one rendered notification or throws why it could not. */
export interface Notifier {
  send(notification: Notification): Promise<void>;
}

/**
 * A channel this runtime cannot send through at all (an email channel on a Worker without an email binding):
 * the notification is recorded as failed at once, with the reason, rather than retried for a day.
 */
export class UndeliverableError extends Error {}
