import { MAX_BOUND_PARAMETERS } from '../store/chunks.js';
import type { SqlValue, Statement } from '../store/sql.js';

/**
 * Rows of one import refer to each other (a message to its test, a check to its audit) before any of them
 * exists, and the whole import is one transaction. So each inserted row's new id is noted in `ingest_ids`
 * under the batch, a kind and the agent's id for it, and later statements read it from there.
 */
export interface IdRef {
  sql: string;
  params: SqlValue[];
}

/** A subquery giving the server id of the agent's row `localId` of `kind` in this batch. */
export function idOf(batch: string, kind: string, localId: number): IdRef {
  return { sql: 'SELECT id FROM ingest_ids WHERE batch = ? AND kind = ? AND local_id = ?', params: [batch, kind, localId] };
}

/** Follows an INSERT: notes the id it gave its row, if it inserted one (a conflict that did nothing notes nothing). */
export function noteId(batch: string, kind: string, localId: number): Statement {
  return { sql: 'INSERT INTO ingest_ids (batch, kind, local_id, id) SELECT ?, ?, ?, last_insert_rowid() WHERE changes() = 1', params: [batch, kind, localId] };
}

/** The import's scratch rows go with its last statement. */
export function forgetIds(batch: string): Statement {
  return { sql: 'DELETE FROM ingest_ids WHERE batch = ?', params: [batch] };
}

/** D1 binds at most 100 parameters per statement; a statement built past that is a bug here, not bad input. */
export function bounded(statement: Statement): Statement {
  const count = statement.params?.length ?? 0;
  if (count > MAX_BOUND_PARAMETERS) throw new Error(`an ingest statement binds ${count} parameters, over the ${MAX_BOUND_PARAMETERS} D1 allows`);
  return statement;
}
