import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/node/sqlite-store.js';
import type { Sql } from '../../src/store/sql.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const MIGRATIONS = join(ROOT, 'src', 'store', 'migrations');

interface SchemaObject {
  type: string;
  name: string;
  sql: string;
}

/** Tables and indexes as SQLite stores them, without the engines' own bookkeeping. */
const SCHEMA_QUERY = `SELECT type, name, sql FROM sqlite_master
  WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'
  ORDER BY type, name`;

describe('the migrations on D1', () => {
  it('are applied by `wrangler d1 migrations apply` offline and give the schema the embedded store has', async () => {
    const state = mkdtempSync(join(tmpdir(), 'iw-d1-'));
    await promisify(execFile)(
      process.execPath,
      [WRANGLER, 'd1', 'migrations', 'apply', 'inboxwatch', '--local', '--persist-to', state, '--config', join(ROOT, 'wrangler.toml')],
      { cwd: ROOT, env: { ...process.env, CI: '1' }, timeout: 120_000 },
    );
    const d1Dir = join(state, 'v3', 'd1', 'miniflare-D1DatabaseObject');
    const file = readdirSync(d1Dir).find((name) => name.endsWith('.sqlite') && name !== 'metadata.sqlite');
    expect(file, `no D1 database under ${d1Dir}`).toBeDefined();
    const d1 = new Database(join(d1Dir, file as string), { readonly: true });
    const d1Schema = d1.prepare(SCHEMA_QUERY).all() as SchemaObject[];
    const d1Applied = (d1.prepare('SELECT name FROM d1_migrations ORDER BY id').all() as Array<{ name: string }>).map((row) => row.name);
    d1.close();

    const embedded: Sql = await openStore(':memory:');
    const embeddedSchema = await embedded.all<SchemaObject>(SCHEMA_QUERY);
    const embeddedApplied = (await embedded.all<{ name: string }>('SELECT name FROM d1_migrations ORDER BY id')).map((row) => row.name);
    await embedded.close();

    const files = readdirSync(MIGRATIONS).filter((name) => name.endsWith('.sql')).sort();
    expect(d1Applied).toEqual(files);
    expect(embeddedApplied).toEqual(files);
    expect(d1Schema.length).toBeGreaterThan(0);
    expect(d1Schema).toEqual(embeddedSchema);
  });
});
