/** Where the timeline draws its dashed lines. Pure, so it is tested without a browser. */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** More dashed lines than this hide the rates they explain: beyond it, one line per chart point that had events. */
export const MARK_LIMIT = 60;

export interface ChartWindow {
  from: number;
  bucket: 'hour' | 'day' | 'week';
}

/** The start of the chart point (hour, UTC day or UTC week from Monday) an instant falls in. */
export function pointOf(at: number, window: ChartWindow): number {
  if (window.bucket === 'hour') return at - (at % HOUR);
  const day = at - (at % DAY);
  // The epoch fell on a Thursday; a week cut by the range's start starts there, as its point does.
  return window.bucket === 'day' ? day : Math.max(day - ((day + 3 * DAY) % WEEK), window.from);
}

/** A line at each event or, with many, one at each chart point that had any: bad when any event there was. */
export function eventMarks(events: ReadonlyArray<{ at: number; bad: boolean }>, window: ChartWindow): { marks: Array<{ x: number; bad: boolean }>; grouped: boolean } {
  if (events.length <= MARK_LIMIT) return { marks: events.map((e) => ({ x: e.at, bad: e.bad })), grouped: false };
  const points = new Map<number, boolean>();
  for (const e of events) {
    const point = pointOf(e.at, window);
    points.set(point, (points.get(point) ?? false) || e.bad);
  }
  return { marks: [...points].map(([x, bad]) => ({ x, bad })), grouped: true };
}
