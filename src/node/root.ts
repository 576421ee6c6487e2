import { digestJob } from '../alerts/job.js';
import { notificationPruner } from '../alerts/store.js';
import { ingestPruner } from '../ingest/prune.js';
import { createAuditJob } from '../audit/job.js';
import { createBlocklistsJob } from '../blocklists/job.js';
import type { Config } from '../config/schema.js';
import type { Resolver } from '../dns/types.js';
import { createHousekeepingJob } from '../jobs/housekeeping.js';
import type { Job } from '../jobs/types.js';
import { createPlacementJob } from '../placement/job.js';
import type { PlacementRuntime } from '../placement/runtime.js';
import { createMailauthToolkit } from './mailauth-audit.js';
import { createHttpsPolicyFetcher } from './mta-sts-https.js';
import { createNodePlacementRuntime } from './placement-runtime.js';
import { createNodeReportsJob, createReportsRuntime, type ReportsRuntime } from './reports/service.js';
import { resolverForRun } from './run-resolver.js';
import { checkpointWal } from './sqlite-store.js';

/**
 * The Node composition root: the one place that picks Node's adapters (c-ares, HTTPS, SQLite upkeep,
 * nodemailer/imapflow) and hands them to the portable jobs. A Workers root does the same with its own.
 */
export interface NodeRuntime {
  jobs: readonly Job[];
  /** A fresh resolver with its own cache for each job run. */
  resolver: () => Resolver;
  /** Placement's adapters and the state this process shares between tests. */
  placement: PlacementRuntime;
  /** The report mailbox this process shares between `serve` and the reports job. */
  reports: ReportsRuntime;
}

export function createNodeRuntime(config: Config): NodeRuntime {
  const placement = createNodePlacementRuntime();
  const reports = createReportsRuntime();
  return { jobs: nodeJobs(placement, reports), resolver: () => resolverForRun(config.dns), placement, reports };
}

/** Every job inboxwatch runs on Node, in the order `inboxwatch jobs` lists them (and JOB_NAMES names them). */
export function nodeJobs(placement: PlacementRuntime, reports: ReportsRuntime): Job[] {
  return [
    createHousekeepingJob({ pruners: [notificationPruner, ingestPruner], maintain: checkpointWal }),
    createAuditJob({ policyFetcher: createHttpsPolicyFetcher, toolkit: createMailauthToolkit() }),
    createBlocklistsJob(),
    createPlacementJob(placement),
    digestJob,
    createNodeReportsJob(reports),
  ];
}
