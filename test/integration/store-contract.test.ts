import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPlatformProxy } from 'wrangler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from '../../src/store/sql.js';
import { openSqlite } from '../../src/node/sqlite-store.js';
import { d1Sql, type D1Database } from '../../src/worker/d1-store.js';

const WRANGLER_TOML = fileURLToPath(new URL('../../wrangler.toml', import.meta.url));

/** One contract, two engines: what feature code may rely on from any `Sql`. */
function contract(name: string, open: () => Promise<{ db: Sql; dispose(): Promise<void> }>) {
  describe(`the store contract on ${name}`, () => {
    let db: Sql;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ db, dispose } = await open());
      await db.run('CREATE TABLE contract (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, score REAL, note TEXT, data BLOB)');
    });
    afterAll(async () => {
      await dispose();
    });

    it('runs inserts with bound values and reports changes and the new row id', async () => {
      const first = await db.run('INSERT INTO contract (name, score, note, data) VALUES (?, ?, ?, ?)', ['a', 1.5, null, new Uint8Array([0, 1, 255])]);
      const second = await db.run('INSERT INTO contract (name, score) VALUES (?, ?)', ['b', 2]);
      expect(first).toEqual({ changes: 1, lastRowId: 1 });
      expect(second).toEqual({ changes: 1, lastRowId: 2 });
      expect(await db.run('UPDATE contract SET score = score + 1')).toMatchObject({ changes: 2 });
    });

    it('reads rows with their types, and undefined for no row', async () => {
      const rows = await db.all<{ id: number; name: string; score: number; note: string | null; data: Uint8Array | null }>('SELECT * FROM contract ORDER BY id');
      expect(rows.map(({ id, name, score, note }) => ({ id, name, score, note }))).toEqual([
        { id: 1, name: 'a', score: 2.5, note: null },
        { id: 2, name: 'b', score: 3, note: null },
      ]);
      expect([...(rows[0]?.data ?? [])]).toEqual([0, 1, 255]);
      expect(rows[1]?.data).toBeNull();
      expect(await db.first<{ name: string }>('SELECT name FROM contract WHERE score > ?', [2.6])).toEqual({ name: 'b' });
      expect(await db.first('SELECT name FROM contract WHERE id = ?', [99])).toBeUndefined();
      expect(await db.all('SELECT name FROM contract WHERE id = ?', [99])).toEqual([]);
    });

    it('runs a batch as one transaction: all of it, or none of it when a statement fails', async () => {
      const results = await db.batch([
        { sql: 'INSERT INTO contract (name) VALUES (?)', params: ['c'] },
        { sql: 'DELETE FROM contract WHERE name = ?', params: ['a'] },
      ]);
      expect(results.map((result) => result.changes)).toEqual([1, 1]);
      await expect(
        db.batch([
          { sql: 'INSERT INTO contract (name) VALUES (?)', params: ['d'] },
          { sql: 'INSERT INTO contract (name) VALUES (?)', params: ['b'] },
        ]),
      ).rejects.toThrow(/UNIQUE/);
      expect((await db.all<{ name: string }>('SELECT name FROM contract ORDER BY name')).map((row) => row.name)).toEqual(['b', 'c']);
      expect(await db.batch([])).toEqual([]);
    });

    it('binds up to 100 parameters in one statement, the D1 limit that IN lists are chunked to', async () => {
      const ids = Array.from({ length: 100 }, (_, i) => i);
      const row = await db.first<{ n: number }>(`SELECT count(*) AS n FROM contract WHERE id IN (${ids.map(() => '?').join(',')})`, ids);
      expect(row).toEqual({ n: 2 });
    });
  });
}

contract('better-sqlite3 (Node)', async () => {
  const db = openSqlite(join(mkdtempSync(join(tmpdir(), 'iw-contract-')), 'contract.db'));
  return { db, dispose: () => db.close() };
});

contract('D1 (local workerd through wrangler)', async () => {
  const proxy = await getPlatformProxy<{ DB: D1Database }>({
    configPath: WRANGLER_TOML,
    persist: { path: mkdtempSync(join(tmpdir(), 'iw-d1-contract-')) },
  });
  return { db: d1Sql(proxy.env.DB), dispose: () => proxy.dispose() };
});
