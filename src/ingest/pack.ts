import { INGEST_VERSION, MAX_BATCH_BYTES, type IngestRun } from './batch.js';

export interface PackedBatch {
  id: string;
  /** The request body, as it is to be kept in the agent's buffer and sent (and sent again) unchanged. */
  body: string;
  runs: number;
}

export class RunTooLargeError extends Error {
  constructor(
    readonly run: IngestRun,
    readonly bytes: number,
    limit: number,
  ) {
    super(`run ${run.run.id} (${run.job}) is ${bytes} bytes in the ingest format, over the ${limit} a batch may hold`);
    this.name = 'RunTooLargeError';
  }
}

const encoder = new TextEncoder();
const size = (text: string) => encoder.encode(text).byteLength;

/**
 * Packs runs, in order, into as few batches as fit under the size limit, each with a fresh id from `newId`
 * (a UUID). A run is never split across batches; one too large for any batch is a RunTooLargeError.
 */
export function packBatches(runs: readonly IngestRun[], options: { newId: () => string; agent?: string; maxBytes?: number }): PackedBatch[] {
  const maxBytes = options.maxBytes ?? MAX_BATCH_BYTES;
  const head = (id: string) => JSON.stringify({ version: INGEST_VERSION, id, ...(options.agent === undefined ? {} : { agent: options.agent }) }).slice(0, -1);
  const batches: PackedBatch[] = [];
  let parts: string[] = [];
  let id = options.newId();
  // `{"version":1,"id":"…","runs":[` + the runs, each followed by a comma but the last + `]}`
  let used = size(head(id)) + size(',"runs":[]}') - 1;
  const close = () => {
    if (parts.length > 0) batches.push({ id, body: `${head(id)},"runs":[${parts.join(',')}]}`, runs: parts.length });
    parts = [];
    id = options.newId();
    used = size(head(id)) + size(',"runs":[]}') - 1;
  };
  for (const run of runs) {
    const text = JSON.stringify(run);
    const bytes = size(text) + 1;
    if (used + bytes > maxBytes) {
      close();
      if (used + bytes > maxBytes) throw new RunTooLargeError(run, used + bytes, maxBytes);
    }
    parts.push(text);
    used += bytes;
  }
  close();
  return batches;
}
