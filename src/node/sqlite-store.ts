import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { RunResult, Sql, SqlValue, Statement } from '../store/sql.js';
import { ensurePrivateDir, ensurePrivateFile } from './files.js';
import { migrate } from './sqlite-migrate.js';

/** The embedded store, with a token that changes whenever its data may have (what the API's cache is keyed by). */
export interface SqliteStore extends Sql {
  dataVersion(): Promise<string>;
}

/**
 * The embedded store: one file, WAL so the dashboard can read while a job writes. The file and its `-wal`
 * and `-shm` are created 0600 in a 0700 directory: they hold message headers.
 */
export function openSqlite(file: string): SqliteStore {
  const db = openDatabase(file);
  // Writes through this connection are counted here; SQLite's data_version moves on every commit by another
  // connection (a CLI command on the same file). Together they change on every write anyone makes.
  let writes = 0;
  const otherCommits = db.prepare('PRAGMA data_version').pluck();

  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  const toResult = (info: Database.RunResult): RunResult => ({ changes: info.changes, lastRowId: Number(info.lastInsertRowid) });
  const transaction = db.transaction((list: Statement[]) => list.map((s) => toResult(prepare(s.sql).run(...(s.params ?? [])))));
  /** A statement that may write moves the version before it runs (nothing can read it in between: the driver is synchronous). */
  const counted = (sql: string): Database.Statement => {
    const statement = prepare(sql);
    if (!statement.readonly) writes++;
    return statement;
  };

  return {
    async all<T>(sql: string, params: SqlValue[] = []) {
      return counted(sql).all(...params) as T[];
    },
    async first<T>(sql: string, params: SqlValue[] = []) {
      return counted(sql).get(...params) as T | undefined;
    },
    async run(sql: string, params: SqlValue[] = []) {
      return toResult(counted(sql).run(...params));
    },
    async batch(list: Statement[]) {
      writes++;
      return transaction(list);
    },
    async exec(script: string) {
      writes++;
      db.exec(script);
    },
    async dataVersion() {
      return `${writes}.${otherCommits.get() as number}`;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

/** Opens the embedded database and brings its schema up to date. */
export async function openStore(file: string): Promise<SqliteStore> {
  const db = openSqlite(file);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/** SQLite engine upkeep for housekeeping: folds the write-ahead log back into the database file. */
export async function checkpointWal(db: Sql): Promise<void> {
  await db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
}

/** Opens the database, or fails with an error that names the path and says what is wrong with it. */
function openDatabase(file: string): Database.Database {
  const fail = (why: string, cause?: unknown): never => {
    throw new Error(`database ${JSON.stringify(file)}: ${why}`, { cause });
  };
  if (file.trim() === '') fail('the path is empty; set database (or INBOXWATCH_DATABASE) to a file path');
  if (file !== ':memory:' && statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
    fail('is a directory; name a file inside it, such as data/inboxwatch.db');
  }
  let db: Database.Database | undefined;
  try {
    if (file !== ':memory:') {
      ensurePrivateDir(dirname(file));
      ensurePrivateFile(file);
    }
    db = new Database(file);
    // The first read of the file: where a file that is not SQLite shows itself.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (error) {
    db?.close();
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') {
      return fail('is not an SQLite database (a file of another kind, or a damaged one); point database at another path', error);
    }
    return fail(`cannot be opened: ${(error as Error).message}`, error);
  }
}
