import type { Command } from 'commander';
import { startAlerts } from '../node/alerts/index.js';
import { resolverForRun } from '../node/run-resolver.js';
import { importFile } from '../node/reports/report-files.js';
import { rejectedOutcome, type IngestOutcome } from '../reports/ingest.js';
import { limitsOf } from '../reports/limits.js';
import { openStore } from '../node/sqlite-store.js';
import { configFor, loggerFor } from './context.js';
import { EXIT } from './exit.js';

/** `inboxwatch reports import FILE...`: report files or saved messages into the store. */
export async function reportsImportCommand(files: string[], options: { json?: boolean }, command: Command): Promise<void> {
  const { config } = configFor(command);
  const log = loggerFor(command);
  const db = await openStore(config.database);
  const outcomes: IngestOutcome[] = [];
  try {
    const deps = { db, log, resolver: resolverForRun(config.dns), limits: limitsOf(config.reports), now: Date.now };
    for (const file of files) {
      try {
        outcomes.push(...(await importFile(deps, file, 'cli')));
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        if (!e.code) throw error;
        outcomes.push(rejectedOutcome(file, e.code === 'ENOENT' ? 'no such file' : e.message));
      }
    }
    // Stored reports are facts like a scheduled run's: a spoofing source they reveal alerts now, not at the next run.
    if (outcomes.some((o) => o.status === 'stored')) {
      await startAlerts({ config, db, log, retry: false, resolver: deps.resolver })
        .afterRun()
        .catch((error: Error) => log.error('alert evaluation failed', { error: error.message }));
    }
  } finally {
    await db.close();
  }
  process.stdout.write(options.json ? `${JSON.stringify({ files: outcomes }, null, 2)}\n` : formatText(outcomes));
  process.exitCode = outcomes.some((o) => o.status === 'rejected') ? EXIT.failure : EXIT.ok;
}

function formatText(outcomes: readonly IngestOutcome[]): string {
  const lines = outcomes.map((o) => {
    if (o.status === 'rejected') return `${o.file}: rejected: ${o.error}`;
    const unit = o.kind === 'tls' ? 'sessions' : 'messages';
    const what = o.kind === 'failure' ? `failure report for ${o.domain}` : `${o.kind} report ${o.reportId} from ${o.org} for ${o.domain}, ${o.begin} to ${o.end}: ${o.records} ${o.kind === 'tls' ? 'policies' : 'records'}, ${o.messages} ${unit}`;
    return `${o.file}: ${o.status === 'duplicate' ? 'duplicate (already stored)' : 'stored'}: ${what}`;
  });
  const count = (status: string) => outcomes.filter((o) => o.status === status).length;
  lines.push(`${count('stored')} stored, ${count('duplicate')} duplicate, ${count('rejected')} rejected`);
  return `${lines.join('\n')}\n`;
}
