import { migrate } from './migrate.js';
import type { Sql } from './sql.js';
import { openSqlite } from './sqlite.js';

export type { Sql, SqlValue, Statement, RunResult } from './sql.js';

/** Opens the embedded database and brings its schema up to date. */
export async function openStore(file: string): Promise<Sql> {
  const db = openSqlite(file);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
