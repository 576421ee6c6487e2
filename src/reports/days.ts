const DAY = 86_400_000;

export const dayOf = (ms: number) => Math.floor(ms / DAY) * DAY;

/**
 * A report's message count spread over the UTC days its span covers. A span of a day or less goes to the
 * day it began; a longer one (some reporters send weekly reports) is shared out in proportion to the time
 * in each day, in whole messages that add up to the count.
 */
export function splitByDay(begin: number, end: number, count: number): Array<{ day: number; count: number }> {
  if (end - begin <= DAY) return [{ day: dayOf(begin), count }];
  const days: Array<{ day: number; exact: number }> = [];
  for (let day = dayOf(begin); day < end; day += DAY) {
    const overlap = Math.min(end, day + DAY) - Math.max(begin, day);
    if (overlap > 0) days.push({ day, exact: (count * overlap) / (end - begin) });
  }
  const shares = days.map((d) => ({ day: d.day, count: Math.floor(d.exact), rest: d.exact - Math.floor(d.exact) }));
  let left = count - shares.reduce((sum, s) => sum + s.count, 0);
  for (const share of [...shares].sort((a, b) => b.rest - a.rest)) {
    if (left <= 0) break;
    share.count++;
    left--;
  }
  return shares.filter((s) => s.count > 0).map(({ day, count: n }) => ({ day, count: n }));
}
