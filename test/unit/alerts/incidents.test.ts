import { describe, expect, it } from 'vitest';
import { applyObservation, repeatDue, type IncidentDraft, type RulePolicy } from '../../../src/alerts/incidents.js';
import type { Observation } from '../../../src/alerts/types.js';

const policy: RulePolicy = { rule: 'r', ruleType: 'blocklist_listed', severity: 'critical', for: 2, resolveAfter: 2, repeatInterval: 86_400_000 };
const obs = (state: 'bad' | 'good', fact: string, extra: Partial<Observation> = {}): Observation => ({
  key: 'k',
  fact,
  state,
  title: 'LISTED',
  summary: 's',
  since: 1000,
  evidence: [],
  actions: [],
  link: '/',
  ...extra,
});

/** Feeds observations in order and returns what each one asked to send. */
function run(observations: Observation[], p: RulePolicy = policy, start?: IncidentDraft) {
  let incident = start;
  const sent: Array<string | undefined> = [];
  observations.forEach((o, i) => {
    const step = applyObservation(incident, o, p, 10_000 + i);
    incident = step.next;
    sent.push(step.notify);
  });
  return { incident, sent };
}

describe('incident state machine', () => {
  it('fires after `for` consecutive bad observations and resolves after `resolveAfter` good ones', () => {
    const { incident, sent } = run([obs('bad', '1'), obs('bad', '2'), obs('bad', '3'), obs('good', '4'), obs('good', '5'), obs('good', '6')]);
    expect(sent).toEqual([undefined, 'firing', undefined, undefined, 'resolved', undefined]);
    expect(incident).toBeUndefined();
  });

  it('counts a fact once: evaluating again without new facts changes nothing', () => {
    expect(run([obs('bad', '1'), obs('bad', '1'), obs('bad', '1')]).sent).toEqual([undefined, undefined, undefined]);
  });

  it('drops a pending incident that sees good without telling anyone (flap control)', () => {
    const { incident, sent } = run([obs('bad', '1'), obs('good', '2'), obs('bad', '3'), obs('good', '4')]);
    expect(sent).toEqual([undefined, undefined, undefined, undefined]);
    expect(incident).toBeUndefined();
  });

  it('a good observation in between resets the resolve count', () => {
    expect(run([obs('bad', '1'), obs('bad', '2'), obs('good', '3'), obs('bad', '4'), obs('good', '5'), obs('good', '6')]).sent).toEqual([
      undefined,
      'firing',
      undefined,
      undefined,
      undefined,
      'resolved',
    ]);
  });

  it('does not notify while silenced, and resolves a silenced incident quietly', () => {
    const firing = run([obs('bad', '1'), obs('bad', '2')]).incident as IncidentDraft;
    const silenced = { ...firing, silencedUntil: 99_999 };
    expect(run([obs('good', '3'), obs('good', '4')], policy, silenced)).toMatchObject({ sent: [undefined, undefined], incident: { state: 'resolved' } });
  });

  it('repeats a firing incident after the interval unless acknowledged or silenced', () => {
    const firing = run([obs('bad', '1'), obs('bad', '2')]).incident as IncidentDraft;
    expect(repeatDue(firing, policy, firing.lastNotifiedAt! + 1000).notify).toBeUndefined();
    const later = firing.lastNotifiedAt! + policy.repeatInterval;
    expect(repeatDue(firing, policy, later)).toMatchObject({ notify: 'repeat', next: { lastNotifiedAt: later } });
    expect(repeatDue({ ...firing, ackedAt: 1 }, policy, later).notify).toBeUndefined();
    expect(repeatDue({ ...firing, silencedUntil: later + 1 }, policy, later).notify).toBeUndefined();
    // Fired while silenced: once the silence ends, the first message goes out as a firing one.
    expect(repeatDue({ ...firing, lastNotifiedAt: null }, policy, later).notify).toBe('firing');
  });

  it('announces each further change of an event incident and resolves it quietly', () => {
    const p = { ...policy, for: 1, resolveAfter: 1 };
    const { sent, incident } = run([obs('bad', 'c1', { event: true }), obs('bad', 'c2', { event: true }), obs('good', 'a3')], p);
    expect(sent).toEqual(['firing', 'firing', undefined]);
    expect(incident?.state).toBe('resolved');
  });
});
