import { describe, expect, it } from 'vitest';
import { eventMarks, MARK_LIMIT, pointOf } from '../../../web/src/timeline-marks.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Wednesday 2026-11-18 00:00 UTC.
const WEDNESDAY = Date.UTC(2026, 10, 18);

describe('timeline marks', () => {
  it('puts an instant on its hour, UTC day, or UTC week from Monday (a week cut by the range starting there)', () => {
    const at = WEDNESDAY + 13 * HOUR + 1_234;
    expect(pointOf(at, { from: 0, bucket: 'hour' })).toBe(WEDNESDAY + 13 * HOUR);
    expect(pointOf(at, { from: 0, bucket: 'day' })).toBe(WEDNESDAY);
    expect(new Date(pointOf(at, { from: 0, bucket: 'week' })).toISOString()).toBe('2026-11-16T00:00:00.000Z');
    expect(pointOf(at, { from: WEDNESDAY - DAY, bucket: 'week' })).toBe(WEDNESDAY - DAY);
  });

  it('draws a line at each event up to the limit', () => {
    const events = Array.from({ length: MARK_LIMIT }, (_, i) => ({ at: WEDNESDAY + i * 60_000, bad: i % 2 === 0 }));
    expect(eventMarks(events, { from: 0, bucket: 'hour' })).toEqual({ marks: events.map((e) => ({ x: e.at, bad: e.bad })), grouped: false });
  });

  it('beyond it, one line per chart point that had events, bad when any of them was', () => {
    // 61 events over three days: the first day only improvements, the others with one regression each.
    const events = Array.from({ length: MARK_LIMIT + 1 }, (_, i) => ({ at: WEDNESDAY + Math.floor(i / 21) * DAY + i * 60_000, bad: i === 30 || i === 50 }));
    expect(eventMarks(events, { from: 0, bucket: 'day' })).toEqual({
      marks: [
        { x: WEDNESDAY, bad: false },
        { x: WEDNESDAY + DAY, bad: true },
        { x: WEDNESDAY + 2 * DAY, bad: true },
      ],
      grouped: true,
    });
  });
});
