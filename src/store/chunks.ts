import type { SqlValue } from './sql.js';

/** D1 binds at most 100 parameters per statement (SQLite allows far more), so every query stays within it. */
export const MAX_BOUND_PARAMETERS = 100;

/**
 * Runs a query with an `IN (...)` list once per slice of `values` small enough for the bound-parameter
 * limit, and returns all the rows in slice order. `query` gets the placeholders for its slice ("?,?,?")
 * and the slice; `otherParams` counts the parameters the query binds besides the list.
 */
export async function allInChunks<T, V extends SqlValue>(
  values: readonly V[],
  query: (placeholders: string, slice: V[]) => Promise<T[]>,
  otherParams = 0,
): Promise<T[]> {
  const size = MAX_BOUND_PARAMETERS - otherParams;
  if (size < 1) throw new Error(`a query binding ${otherParams} other parameters leaves no room for an IN list`);
  const rows: T[] = [];
  for (let start = 0; start < values.length; start += size) {
    const slice = values.slice(start, start + size);
    rows.push(...(await query(slice.map(() => '?').join(','), slice)));
  }
  return rows;
}
