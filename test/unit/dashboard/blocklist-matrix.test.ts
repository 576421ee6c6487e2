import { afterEach, describe, expect, it } from 'vitest';
import { listStatuses } from '../../../src/blocklists/store.js';
import { blocklistMatrix } from '../../../src/dashboard/blocklists.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import type { Sql } from '../../../src/store/sql.js';
import { seedDashboard } from '../../support/dashboard-seed.js';

let db: Sql | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe('the blocklists matrix', () => {
  it('holds every stored cell: its status in the grid, its details when it is not clean, n/a where a pair is not checked', async () => {
    db = await openStore(':memory:');
    await seedDashboard(db, Date.UTC(2026, 10, 30, 15));
    const matrix = await blocklistMatrix(db);
    const stored = await listStatuses(db);

    expect(matrix.targets).toEqual(['198.51.100.7', 'example.com']);
    expect(matrix.lists.map((l) => `${l.zone}=${l.list}`)).toEqual([
      'b.barracudacentral.org=Barracuda',
      'bl.spamcop.net=SpamCop',
      'dbl.spamhaus.org=Spamhaus DBL',
      'multi.surbl.org=SURBL',
      'zen.spamhaus.org=Spamhaus ZEN',
    ]);
    const grid = matrix.targets.flatMap((target, row) => matrix.lists.map(({ zone }, column) => `${target} ${zone} ${matrix.cells[row]?.[column]}`));
    const expected = matrix.targets.flatMap((target) =>
      matrix.lists.map(({ zone }) => `${target} ${zone} ${stored.find((s) => s.target === target && s.zone === zone)?.status ?? null}`),
    );
    expect(grid).toEqual(expected);
    expect(grid.filter((g) => g.endsWith(' null'))).toHaveLength(10 - stored.length);
    expect(matrix.notClean).toEqual(stored.filter((s) => s.status !== 'clean').map(({ lastKnown: _k, lastKnownCodes: _c, ...s }) => s));
    expect(matrix.notClean.map((s) => `${s.target} ${s.zone} ${s.status}`)).toEqual(['198.51.100.7 b.barracudacentral.org error', '198.51.100.7 bl.spamcop.net listed']);
  });
});
