import type { AlertSeverity, Incident, NotificationKind, Observation, RuleType } from './types.js';

export interface RulePolicy {
  rule: string;
  ruleType: RuleType;
  severity: AlertSeverity;
  /** Consecutive bad observations before firing. */
  for: number;
  /** Consecutive good observations before resolving. */
  resolveAfter: number;
  repeatInterval: number;
}

/** An incident before the store gave it an id. */
export type IncidentDraft = Omit<Incident, 'id'> & { id: number | undefined };

export interface Step {
  /** The incident after the observation; `undefined` when a pending one turned out to be nothing. */
  next: IncidentDraft | undefined;
  notify: NotificationKind | undefined;
}

/**
 * One observation applied to the open incident of its (rule, key), if any: counts consecutive bad and good
 * observations of new facts, fires after `for` bad, resolves after `resolveAfter` good. A pending incident
 * that sees good is dropped unannounced, so flapping below the threshold never reaches anyone.
 */
export function applyObservation(previous: IncidentDraft | undefined, observation: Observation, policy: RulePolicy, now: number): Step {
  // A resolved incident is history: what comes next starts afresh.
  const current = previous?.state === 'resolved' ? undefined : previous;
  if (current && current.lastFact === observation.fact) return { next: current, notify: undefined };
  if (observation.state === 'good') {
    if (!current) return { next: undefined, notify: undefined };
    if (current.state === 'pending') return { next: undefined, notify: undefined };
    const goodCount = current.goodCount + 1;
    const seen = { ...current, goodCount, badCount: 0, lastFact: observation.fact, lastSeenAt: now };
    if (goodCount < policy.resolveAfter && !current.observation.event) return { next: seen, notify: undefined };
    const resolved: IncidentDraft = { ...seen, state: 'resolved', resolvedAt: now };
    const quiet = current.observation.event || current.lastNotifiedAt === null || silenced(current, now);
    return quiet ? { next: resolved, notify: undefined } : { next: { ...resolved, lastNotifiedAt: now }, notify: 'resolved' };
  }

  const base: IncidentDraft = current ?? {
    id: undefined,
    rule: policy.rule,
    ruleType: policy.ruleType,
    key: observation.key,
    severity: policy.severity,
    state: 'pending',
    title: observation.title,
    observation,
    badCount: 0,
    goodCount: 0,
    lastFact: observation.fact,
    startedAt: observation.since,
    firedAt: null,
    resolvedAt: null,
    lastSeenAt: now,
    lastNotifiedAt: null,
    silencedUntil: null,
    ackedAt: null,
    ackedBy: null,
  };
  const badCount = base.badCount + 1;
  const seen: IncidentDraft = { ...base, badCount, goodCount: 0, lastFact: observation.fact, lastSeenAt: now, title: observation.title, observation };
  if (seen.state === 'firing') {
    // A change event seen again while its incident is open is a further change: say so.
    if (observation.event && current) return notifyUnlessSilenced({ ...seen, ackedAt: null, ackedBy: null }, 'firing', now);
    return { next: seen, notify: undefined };
  }
  if (badCount < policy.for) return { next: seen, notify: undefined };
  return notifyUnlessSilenced({ ...seen, state: 'firing', firedAt: now }, 'firing', now);
}

/** A firing, unacknowledged, unsilenced incident whose last message is older than the repeat interval. */
export function repeatDue(incident: IncidentDraft, policy: RulePolicy, now: number): Step {
  if (incident.state !== 'firing' || incident.ackedAt !== null || silenced(incident, now) || incident.observation.event) {
    return { next: incident, notify: undefined };
  }
  if (incident.lastNotifiedAt === null) return { next: { ...incident, lastNotifiedAt: now }, notify: 'firing' };
  if (now - incident.lastNotifiedAt < policy.repeatInterval) return { next: incident, notify: undefined };
  return { next: { ...incident, lastNotifiedAt: now }, notify: 'repeat' };
}

function notifyUnlessSilenced(incident: IncidentDraft, kind: NotificationKind, now: number): Step {
  if (silenced(incident, now)) return { next: incident, notify: undefined };
  return { next: { ...incident, lastNotifiedAt: now }, notify: kind };
}

const silenced = (incident: IncidentDraft, now: number): boolean => incident.silencedUntil !== null && incident.silencedUntil > now;
