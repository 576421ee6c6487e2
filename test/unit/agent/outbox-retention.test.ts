import { afterEach, beforeEach, expect, it } from 'vitest';
import { outboxStatus, queueRun } from '../../../src/agent/outbox.js';
import { configSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/log.js';
import { createNodePlacementRuntime } from '../../../src/node/placement-runtime.js';
import { createReportsRuntime } from '../../../src/node/reports/service.js';
import { nodeJobs } from '../../../src/node/root.js';
import { resolverForRun } from '../../../src/node/run-resolver.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import { finishRun, getRun, startRun } from '../../../src/store/runs.js';
import { soleOwner } from '../../support/owner.js';
import type { Sql } from '../../../src/store/sql.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30);

let db: Sql;
beforeEach(async () => {
  db = await openStore(':memory:');
});
afterEach(() => db.close());

it("prunes an agent's old runs with housekeeping but keeps their facts waiting in the outbox", async () => {
  const config = configSchema.parse({ retention: { runs: '30d' } });
  const old = await startRun(db, 'blocklists', 'schedule', NOW - 40 * DAY, soleOwner.id);
  await finishRun(db, old, { status: 'ok', at: NOW - 40 * DAY + 1_000 });
  await queueRun(db, { runId: old, job: 'blocklists', payload: { job: 'blocklists', run: { id: old } } }, NOW - 40 * DAY, 'batch-old');

  const housekeeping = nodeJobs(createNodePlacementRuntime(), createReportsRuntime()).find((job) => job.name === 'housekeeping');
  const controller = new AbortController();
  await housekeeping?.run({ config, db, resolver: resolverForRun(config.dns), log: silentLogger, signal: controller.signal, now: () => NOW, owner: soleOwner });

  expect(await getRun(db, old)).toBeUndefined();
  expect(await outboxStatus(db)).toMatchObject({ pending: 1, oldestQueuedAt: NOW - 40 * DAY });
});
