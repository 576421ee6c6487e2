import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { alreadyTaken, ingest, rejectedOutcome, type IngestDeps, type IngestOutcome } from '../../reports/ingest.js';
import type { IntakeSource } from '../../reports/store.js';
import { reportsInFile } from './report-message.js';

/** Imports files as `inboxwatch reports import` and the upload API do: each file, or each report a message holds. */
export async function importBytes(deps: IngestDeps, name: string, bytes: Uint8Array, source: IntakeSource): Promise<IngestOutcome[]> {
  // Checked before MIME parsing, which would otherwise read an oversized message whole.
  if (bytes.length > deps.limits.maxCompressedBytes) {
    return [await ingest(deps, { name, source, bytes })];
  }
  const incoming = await reportsInFile(bytes, name, source);
  const outcomes: IngestOutcome[] = [];
  for (const item of incoming) outcomes.push(await ingest(deps, item));
  return outcomes;
}

export async function importFile(deps: IngestDeps, path: string, source: IntakeSource): Promise<IngestOutcome[]> {
  const info = await stat(path);
  // Not read at all: nothing of it is kept, so the intake log has no entry either.
  if (info.size > deps.limits.maxCompressedBytes) return [rejectedOutcome(path, `file is ${info.size} bytes; the limit is ${deps.limits.maxCompressedBytes}`)];
  return importBytes(deps, path, new Uint8Array(await readFile(path)), source);
}

/** Imports the files of a report folder not taken in before (by content), oldest name first. */
export async function importFolder(deps: IngestDeps, folder: string): Promise<IngestOutcome[]> {
  const names = (await readdir(folder, { withFileTypes: true })).filter((entry) => entry.isFile() && !entry.name.startsWith('.')).map((entry) => entry.name).sort();
  const outcomes: IngestOutcome[] = [];
  for (const name of names) {
    const path = join(folder, name);
    const info = await stat(path);
    if (info.size > deps.limits.maxCompressedBytes) {
      deps.log.warn('report file over the size limit skipped', { file: path, size: info.size });
      continue;
    }
    const bytes = new Uint8Array(await readFile(path));
    if (await alreadyTaken(deps.db, bytes)) continue;
    outcomes.push(...(await importBytes(deps, path, bytes, 'folder')));
  }
  return outcomes;
}
