import { describe, expect, it } from 'vitest';
import { listAudits, saveAudit } from '../../../src/audit/store.js';
import { check } from '../../../src/audit/types.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import { allInChunks, MAX_BOUND_PARAMETERS } from '../../../src/store/chunks.js';
import type { Sql, SqlValue } from '../../../src/store/sql.js';

/** The store as D1 would behave: a statement binding more than 100 parameters is refused. */
function withD1ParameterLimit(db: Sql): Sql {
  const guard = (params: SqlValue[] | undefined) => {
    if ((params?.length ?? 0) > MAX_BOUND_PARAMETERS) throw new Error(`too many SQL variables: ${params?.length}`);
  };
  return {
    ...db,
    all: (sql, params) => (guard(params), db.all(sql, params)),
    first: (sql, params) => (guard(params), db.first(sql, params)),
    run: (sql, params) => (guard(params), db.run(sql, params)),
    batch: (statements) => (statements.forEach((s) => guard(s.params)), db.batch(statements)),
  };
}

describe('IN lists within D1 bound-parameter limit', () => {
  it('splits a list into slices of at most 100 parameters, counting the others, and keeps the order', async () => {
    const values = Array.from({ length: 250 }, (_, i) => i);
    const calls: Array<{ marks: number; slice: number[] }> = [];
    const rows = await allInChunks(
      values,
      async (marks, slice) => {
        calls.push({ marks: marks.split(',').length, slice });
        return slice.map((v) => v * 2);
      },
      3,
    );
    expect(calls.map((c) => c.slice.length)).toEqual([97, 97, 56]);
    expect(calls.every((c) => c.marks === c.slice.length)).toBe(true);
    expect(rows).toEqual(values.map((v) => v * 2));
    expect(await allInChunks([], async () => [1])).toEqual([]);
    await expect(allInChunks([1], async () => [], 100)).rejects.toThrow(/no room/);
  });

  it('lists 300 audits with their checks through a store that refuses more than 100 parameters', async () => {
    const sqlite = await openStore(':memory:');
    const db = withD1ParameterLimit(sqlite);
    try {
      for (let i = 0; i < 300; i++) {
        await saveAudit(sqlite, {
          domain: 'example.com',
          startedAt: i * 1000,
          finishedAt: i * 1000 + 10,
          checks: [check('spf.record', 'pass', `audit ${i}`)],
          records: {},
        });
      }
      const audits = await listAudits(db, 'example.com', { limit: 300 });
      expect(audits).toHaveLength(300);
      expect(audits.every((a) => a.checks.length === 1 && a.checks[0]?.message === `audit ${a.startedAt / 1000}`)).toBe(true);
    } finally {
      await sqlite.close();
    }
  });
});
