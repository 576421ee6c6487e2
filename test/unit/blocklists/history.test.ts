import { describe, expect, it } from 'vitest';
import { healthTransition, statusKey, suspectListings, transition, type CurrentStatus } from '../../../src/blocklists/history.js';
import type { CheckResult } from '../../../src/blocklists/types.js';

const result = (target: string, status: CheckResult['status'], codes: string[] = status === 'listed' ? ['127.0.0.2'] : []): CheckResult => ({
  target,
  zone: 'zen.spamhaus.org',
  list: 'Spamhaus ZEN',
  status,
  severity: status === 'listed' ? 'high' : null,
  allowlisted: false,
  codes,
  meaning: status === 'listed' ? 'SBL' : null,
  reason: null,
  delistUrl: null,
  error: status === 'error' ? 'no answer: no answer before the timeout' : null,
});

/** Feeds a sequence of results for one pair through transition(), returning each step's event kinds. */
function replay(sequence: Array<CheckResult | [CheckResult, 'held']>): string[][] {
  let current: CurrentStatus | undefined;
  return sequence.map((step, i) => {
    const [r, held] = Array.isArray(step) ? [step[0], true] : [step, false];
    const next = transition(current, r, held, 1000 * (i + 1));
    current = next.current;
    return next.events.map((e) => e.event);
  });
}

describe('blocklist history', () => {
  it('writes an event only when the status changes', () => {
    const ip = '192.0.2.2';
    expect(replay([result(ip, 'clean'), result(ip, 'clean'), result(ip, 'listed'), result(ip, 'listed'), result(ip, 'clean')])).toEqual([
      [],
      [],
      ['listed'],
      [],
      ['delisted'],
    ]);
  });

  it('records an outage as error began/ended without pretending the listing changed', () => {
    const ip = '192.0.2.2';
    expect(replay([result(ip, 'listed'), result(ip, 'error'), result(ip, 'error'), result(ip, 'listed'), result(ip, 'error'), result(ip, 'clean')])).toEqual([
      ['listed'],
      ['error_began'],
      [],
      ['error_ended'],
      ['error_began'],
      ['error_ended', 'delisted'],
    ]);
  });

  it('records a change of codes on a standing listing', () => {
    const ip = '192.0.2.2';
    expect(replay([result(ip, 'listed', ['127.0.0.10']), result(ip, 'listed', ['127.0.0.2', '127.0.0.10'])])).toEqual([['listed'], ['changed']]);
  });

  it('keeps when a status began across sweeps', () => {
    const first = transition(undefined, result('192.0.2.2', 'listed'), false, 1000);
    const second = transition(first.current, result('192.0.2.2', 'listed'), false, 2000);
    expect(second.current).toMatchObject({ since: 1000, checkedAt: 2000 });
  });

  it('holds a suspect listing for one sweep, then confirms it or clears it', () => {
    const ip = '192.0.2.2';
    expect(replay([result(ip, 'clean'), [result(ip, 'listed'), 'held'], result(ip, 'listed')])).toEqual([[], ['suspect'], ['listed']]);
    expect(replay([result(ip, 'clean'), [result(ip, 'listed'), 'held'], result(ip, 'clean')])).toEqual([[], ['suspect'], ['suspect_cleared']]);
  });

  it('suspects a list on which most targets turn up newly listed at once, and only then', () => {
    const previous = new Map<string, CurrentStatus>();
    for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']) {
      previous.set(statusKey(ip, 'zen.spamhaus.org'), transition(undefined, result(ip, 'clean'), false, 1).current);
    }
    const mass = ['192.0.2.1', '192.0.2.2', '192.0.2.3'].map((ip) => result(ip, 'listed'));
    expect(suspectListings([...mass, result('192.0.2.4', 'clean')], previous).size).toBe(3);
    expect(suspectListings([result('192.0.2.1', 'listed'), result('192.0.2.2', 'clean'), result('192.0.2.3', 'clean'), result('192.0.2.4', 'clean')], previous).size).toBe(0);
    // Errors are not checks: two fresh listings among two answered targets of four is still "most".
    expect(suspectListings([result('192.0.2.1', 'listed'), result('192.0.2.2', 'listed'), result('192.0.2.3', 'error'), result('192.0.2.4', 'clean')], previous).size).toBe(2);
    // A single target can never be a mass listing.
    expect(suspectListings([result('192.0.2.9', 'listed')], new Map()).size).toBe(0);
  });

  it('records list health changes only', () => {
    const down = healthTransition(undefined, { zone: 'bl.spamcop.net', list: 'SpamCop', healthy: false, cause: 'dead' }, 1);
    expect(down.events.map((e) => e.event)).toEqual(['list_unhealthy']);
    const still = healthTransition(down.current, { zone: 'bl.spamcop.net', list: 'SpamCop', healthy: false, cause: 'dead' }, 2);
    expect(still.events).toEqual([]);
    expect(healthTransition(still.current, { zone: 'bl.spamcop.net', list: 'SpamCop', healthy: true, cause: null }, 3).events.map((e) => e.event)).toEqual(['list_healthy']);
    expect(healthTransition(undefined, { zone: 'x', list: 'x', healthy: true, cause: null }, 1).events).toEqual([]);
  });
});
