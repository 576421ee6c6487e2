import { getRun } from '../store/runs.js';
import type { Sql } from '../store/sql.js';
import { INGEST_JOBS, type IngestJob, type IngestRun, type RunRecord } from './batch.js';
import { exportAudits } from './audits.js';
import { exportPlacement } from './placement-tests.js';
import { exportReports } from './reports.js';
import { exportSweep } from './sweeps.js';

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

/**
 * Reads one finished run and the facts it stored out of a (local) store, in the ingest format. Call it when
 * the run has finished and before the same job runs again (the job runner's afterRun hook is such a
 * moment): a blocklist sweep's results stand in the store only until the next sweep replaces them.
 */
export async function exportRun(db: Sql, runId: number): Promise<IngestRun> {
  const run = await getRun(db, runId);
  if (!run) throw new ExportError(`no run ${runId}`);
  if (run.status === 'running' || run.finishedAt === null) throw new ExportError(`run ${runId} (${run.job}) has not finished`);
  if (!(INGEST_JOBS as readonly string[]).includes(run.job)) throw new ExportError(`run ${runId} is of job ${run.job}; agents ship runs of ${INGEST_JOBS.join(', ')}`);
  const record: RunRecord = {
    id: run.id,
    trigger: run.trigger,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    status: run.status,
    summary: run.summary,
    error: run.error,
  };
  const job = run.job as IngestJob;
  switch (job) {
    case 'blocklists':
      return { job, run: record, sweep: await exportSweep(db, runId) };
    case 'placement':
      return { job, run: record, ...(await exportPlacement(db, { ...run, finishedAt: run.finishedAt })) };
    case 'audit':
      return { job, run: record, audits: await exportAudits(db, runId) };
    case 'reports':
      return { job, run: record, ...(await exportReports(db, { ...run, finishedAt: run.finishedAt })) };
  }
}
