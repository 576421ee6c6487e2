import type { RunResult, Sql, SqlValue, Statement } from '../store/sql.js';

/** The part of Cloudflare's D1 binding the store uses (structural, so no Workers types reach the core). */
export interface D1Database {
  prepare(sql: string): D1PreparedStatement;
  batch(statements: D1PreparedStatement[]): Promise<D1Result[]>;
  exec(script: string): Promise<unknown>;
}

export interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement;
  all(): Promise<D1Result>;
  first(): Promise<unknown>;
  run(): Promise<D1Result>;
}

export interface D1Result {
  results?: unknown[];
  meta: { changes?: number; last_row_id?: number };
}

/** The store interface over a D1 binding; `batch` is D1's own, which runs as one transaction. */
export function d1Sql(db: D1Database): Sql {
  const prepare = (sql: string, params: SqlValue[] = []) => (params.length > 0 ? db.prepare(sql).bind(...params.map(toD1)) : db.prepare(sql));
  const runResult = (result: D1Result): RunResult => ({ changes: result.meta.changes ?? 0, lastRowId: result.meta.last_row_id ?? 0 });
  return {
    async all<T>(sql: string, params?: SqlValue[]) {
      return ((await prepare(sql, params).all()).results ?? []).map(fromD1Row) as T[];
    },
    async first<T>(sql: string, params?: SqlValue[]) {
      const row = await prepare(sql, params).first();
      return row === null ? undefined : (fromD1Row(row) as T);
    },
    async run(sql: string, params?: SqlValue[]) {
      return runResult(await prepare(sql, params).run());
    },
    async batch(statements: Statement[]) {
      if (statements.length === 0) return [];
      return (await db.batch(statements.map((statement) => prepare(statement.sql, statement.params)))).map(runResult);
    },
    // D1 runs a script line by line; on Workers the only scripts are migrations, which wrangler applies.
    async exec(script: string) {
      await db.exec(script);
    },
    async close() {},
  };
}

/** D1 takes no bigint; values past 2^53 do not occur in the schema (times are epoch milliseconds). */
function toD1(value: SqlValue): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** D1 returns blobs as arrays of bytes; the embedded store returns them as byte arrays. */
function fromD1Row(row: unknown): unknown {
  if (row === null || typeof row !== 'object') return row;
  const entries = Object.entries(row as Record<string, unknown>);
  if (!entries.some(([, value]) => Array.isArray(value) || value instanceof ArrayBuffer)) return row;
  return Object.fromEntries(entries.map(([key, value]) => [key, Array.isArray(value) ? Uint8Array.from(value as number[]) : value instanceof ArrayBuffer ? new Uint8Array(value) : value]));
}
