import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from '../store/sql.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../store/migrations', import.meta.url));

/**
 * Applies the numbered `.sql` files not yet applied, each in its own transaction. The bookkeeping table
 * is the one `wrangler d1 migrations apply` keeps, so a database migrated by either tool agrees with the other.
 */
export async function migrate(db: Sql, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  await db.exec(
    `CREATE TABLE IF NOT EXISTS d1_migrations (
       id INTEGER PRIMARY KEY AUTOINCREMENT,
       name TEXT UNIQUE,
       applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
     )`,
  );
  const applied = new Set((await db.all<{ name: string }>('SELECT name FROM d1_migrations')).map((row) => row.name));
  const pending = readdirSync(dir)
    .filter((name) => /^\d{4}_[\w-]+\.sql$/.test(name) && !applied.has(name))
    .sort();
  for (const name of pending) {
    const script = readFileSync(join(dir, name), 'utf8');
    await db.exec('BEGIN');
    try {
      await db.exec(script);
      await db.run('INSERT INTO d1_migrations (name) VALUES (?)', [name]);
      await db.exec('COMMIT');
    } catch (error) {
      await db.exec('ROLLBACK');
      throw new Error(`migration ${name} failed: ${(error as Error).message}`, { cause: error });
    }
  }
  return pending;
}
