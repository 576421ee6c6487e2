import type { Config } from '../../config/schema.js';
import type { Resolver } from '../../dns/types.js';
import type { Job } from '../../jobs/types.js';
import type { Logger } from '../../log.js';
import { createReportsJob, type ReportSource } from '../../reports/job.js';
import type { IngestOutcome } from '../../reports/ingest.js';
import { limitsOf } from '../../reports/limits.js';
import type { Sql } from '../../store/sql.js';
import { importFolder } from './report-files.js';
import { createReportMailbox, type ReportMailbox } from './mailbox.js';

/** What this process shares between the report mailbox `serve` watches and the scheduled job. */
export interface ReportsRuntime {
  /** The mailbox `serve` keeps open (IDLE); the job reads through it instead of logging in a second time. */
  shared: ReportMailbox | undefined;
}

export function createReportsRuntime(): ReportsRuntime {
  return { shared: undefined };
}

/** For `serve`: the report mailbox watched with IDLE, so a report is stored moments after it is delivered. */
export function startReportMailbox(deps: {
  config: Config;
  db: Sql;
  log: Logger;
  resolver: Resolver;
  runtime: ReportsRuntime;
  /** After each pass the watch makes, with what it took in (alert evaluation). */
  afterPass?: (outcomes: readonly IngestOutcome[]) => Promise<void>;
}): { stop(): Promise<void> } | undefined {
  if (!deps.config.reports.imap) return undefined;
  const mailbox = createReportMailbox({ config: deps.config.reports, db: deps.db, log: deps.log, resolver: deps.resolver, limits: limitsOf(deps.config.reports), now: Date.now, afterPass: deps.afterPass });
  deps.runtime.shared = mailbox;
  mailbox.watch();
  return {
    async stop() {
      if (deps.runtime.shared === mailbox) deps.runtime.shared = undefined;
      await mailbox.close();
    },
  };
}

/** The scheduled reports job with Node's sources: the IMAP report mailbox and a local folder. */
export function createNodeReportsJob(runtime: ReportsRuntime): Job {
  return createReportsJob((config: Config): ReportSource[] => {
    const sources: ReportSource[] = [];
    if (config.reports.imap) {
      sources.push({
        name: `mailbox ${config.reports.mailbox}`,
        async pull(deps) {
          if (runtime.shared) return runtime.shared.pass();
          const mailbox = createReportMailbox({ ...deps, config: config.reports });
          try {
            return await mailbox.pass();
          } finally {
            await mailbox.close();
          }
        },
      });
    }
    const folder = config.reports.folder;
    if (folder !== undefined) sources.push({ name: `folder ${folder}`, pull: (deps) => importFolder(deps, folder) });
    return sources;
  });
}
