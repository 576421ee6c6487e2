/*
 * Cron syntax as the config accepts it, checked without the scheduler so every runtime validates the same
 * way: a nickname (@daily, @hourly, ...), 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; each field a list of
 * `*`, values, ranges `a-b`, with an optional step `/n`; month and weekday names (jan, mon); `?` for either
 * day field. Anything accepted here node-cron also accepts (test/unit/config/cron.test.ts checks that).
 */

interface Field {
  min: number;
  max: number;
  names?: readonly string[];
  /** Index of the first name, e.g. 1 for jan = 1. */
  nameBase?: number;
  question?: boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const FIELDS: readonly Field[] = [
  { min: 0, max: 59 },
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31, question: true },
  { min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { min: 0, max: 7, names: WEEKDAYS, nameBase: 0, question: true },
];

const NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const PART = /^(\*|\?|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/;

/** Whether `expression` is a cron schedule that can fire; false for bad syntax and for dates no month has. */
export function isValidCron(expression: string): boolean {
  const text = expression.trim().toLowerCase();
  const fields = (NICKNAMES[text] ?? text).split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return false;
  const six = fields.length === 5 ? ['0', ...fields] : fields;
  const values: Array<Set<number> | undefined> = [];
  for (const [i, text] of six.entries()) {
    const set = expand(text, FIELDS[i] as Field);
    if (set === null) return false;
    values.push(set);
  }
  const [, , , days, months] = values;
  // "30 2" (February 30th) never fires: refuse it rather than schedule a job that never runs.
  if (days && months) return [...months].some((month) => [...days].some((day) => day <= (DAYS_IN_MONTH[month - 1] ?? 0)));
  return true;
}

/** The values a field selects; undefined for "every value", null when the field is not valid. */
function expand(text: string, field: Field): Set<number> | undefined | null {
  const out = new Set<number>();
  let every = false;
  for (const part of text.split(',')) {
    const match = PART.exec(part);
    if (!match) return null;
    const [, base = '', stepText] = match;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return null;
    if (base === '?' && !field.question) return null;
    let low = field.min;
    let high = field.max;
    if (base === '*' || base === '?') {
      if (stepText === undefined) every = true;
    } else {
      const [from = '', to] = base.split('-');
      // A step needs a range to step through: "5/15" is not one.
      if (to === undefined && stepText !== undefined) return null;
      const a = valueOf(from, field);
      const b = to === undefined ? a : valueOf(to, field);
      if (a === null || b === null || a > b) return null;
      low = a;
      high = b;
    }
    for (let v = low; v <= high; v += step) out.add(v);
  }
  return every ? undefined : out;
}

function valueOf(text: string, field: Field): number | null {
  const named = field.names?.indexOf(text) ?? -1;
  if (named >= 0) return named + (field.nameBase ?? 0);
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : null;
}
