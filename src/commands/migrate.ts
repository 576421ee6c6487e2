import type { Command } from 'commander';
import { migrate } from '../node/sqlite-migrate.js';
import { openSqlite } from '../node/sqlite-store.js';
import { configFor } from './context.js';

export async function migrateCommand(command: Command): Promise<void> {
  const { config } = configFor(command);
  const db = openSqlite(config.database);
  try {
    const applied = await migrate(db);
    process.stdout.write(applied.length === 0 ? `${config.database}: up to date\n` : `${config.database}: applied ${applied.join(', ')}\n`);
  } finally {
    await db.close();
  }
}
