import type { Sql } from '../store/sql.js';

export interface ConfigVersion {
  id: number;
  yaml: string;
  pushedAt: number;
  pushedBy: string;
}

const COLUMNS = 'id, yaml, pushed_at AS pushedAt, pushed_by AS pushedBy';

export async function saveConfigVersion(db: Sql, version: Omit<ConfigVersion, 'id'>): Promise<number> {
  const result = await db.run('INSERT INTO config_versions (yaml, pushed_at, pushed_by) VALUES (?, ?, ?)', [version.yaml, version.pushedAt, version.pushedBy]);
  return result.lastRowId;
}

export function latestConfigVersion(db: Sql): Promise<ConfigVersion | undefined> {
  return db.first<ConfigVersion>(`SELECT ${COLUMNS} FROM config_versions ORDER BY id DESC LIMIT 1`);
}

/** Just the newest version's number: cheap enough to ask on every request. */
export async function latestConfigVersionId(db: Sql): Promise<number | undefined> {
  return (await db.first<{ id: number }>('SELECT id FROM config_versions ORDER BY id DESC LIMIT 1'))?.id;
}

export function listConfigVersions(db: Sql, limit: number): Promise<Array<Omit<ConfigVersion, 'yaml'>>> {
  return db.all(`SELECT id, pushed_at AS pushedAt, pushed_by AS pushedBy FROM config_versions ORDER BY id DESC LIMIT ?`, [limit]);
}
