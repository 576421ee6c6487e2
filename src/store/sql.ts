/**
 * The async SQL surface both engines offer (better-sqlite3 on Node, D1 on Workers). Feature modules
 * write their queries against this, so one schema and one set of queries serve both.
 */
export type SqlValue = string | number | bigint | null | Uint8Array;

export interface Statement {
  sql: string;
  params?: SqlValue[];
}

export interface RunResult {
  changes: number;
  lastRowId: number;
}

export interface Sql {
  all<T>(sql: string, params?: SqlValue[]): Promise<T[]>;
  first<T>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: SqlValue[]): Promise<RunResult>;
  /** Runs the statements in one transaction: all of them or none. */
  batch(statements: Statement[]): Promise<RunResult[]>;
  /** Runs a script of several statements; migrations need it, queries should not. */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}
