import { describe, expect, it } from 'vitest';
import { parseBatch, type IngestRun } from '../../../src/ingest/batch.js';
import { packBatches, RunTooLargeError } from '../../../src/ingest/pack.js';

const run = (id: number, summary = 'x'): IngestRun => ({
  job: 'blocklists',
  run: { id, trigger: 'schedule', startedAt: id, finishedAt: id + 1, status: 'ok', summary, error: null },
  sweep: null,
});

describe('packing runs into batches', () => {
  let n = 0;
  const newId = () => `batch-${++n}`;

  it('fills each batch up to the limit, in order, with valid bodies under fresh ids', () => {
    const runs = Array.from({ length: 10 }, (_, i) => run(i + 1, 'y'.repeat(100)));
    const one = new TextEncoder().encode(JSON.stringify(runs[0])).byteLength;
    const packed = packBatches(runs, { newId, agent: 'eu-1', maxBytes: 4 * one + 100 });
    expect(packed.map((b) => b.runs)).toEqual([4, 4, 2]);
    expect(new Set(packed.map((b) => b.id)).size).toBe(3);
    for (const batch of packed) {
      expect(new TextEncoder().encode(batch.body).byteLength).toBeLessThanOrEqual(4 * one + 100);
      expect(parseBatch(JSON.parse(batch.body))).toMatchObject({ id: batch.id, agent: 'eu-1' });
    }
    expect(packed.flatMap((b) => (JSON.parse(b.body) as { runs: IngestRun[] }).runs.map((r) => r.run.id))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('names a run too large for any batch instead of splitting it', () => {
    expect(() => packBatches([run(1), run(2, 'z'.repeat(5000))], { newId, maxBytes: 1000 })).toThrow(RunTooLargeError);
    expect(() => packBatches([run(2, 'z'.repeat(5000))], { newId, maxBytes: 1000 })).toThrow(/^run 2 \(blocklists\) is \d+ bytes in the ingest format, over the/);
    expect(packBatches([], { newId })).toEqual([]);
  });
});
