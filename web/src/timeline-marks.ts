/** Where the timeline draws its dashed lines. Pure, so it is tested without a browser. */
import { DAY, HOUR, weekOf, type Bucket } from '../../src/dashboard/range.js';

/** More dashed lines than this hide the rates they explain: beyond it, one line per chart point that had events. */
export const MARK_LIMIT = 60;

export interface ChartWindow {
  from: number;
  bucket: Bucket;
}

/** The start of the chart point (hour, UTC day or UTC week from Monday) an instant falls in. */
export function pointOf(at: number, window: ChartWindow): number {
  if (window.bucket === 'hour') return at - (at % HOUR);
  if (window.bucket === 'day') return at - (at % DAY);
  // A week cut by the range's start starts there, as its point does.
  return Math.max(weekOf(at), window.from);
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
