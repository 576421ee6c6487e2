import type { Config } from '../../config/schema.js';
import { resolverForRun } from '../../dns/index.js';
import type { Logger } from '../../log.js';
import type { ReportSource } from '../../reports/job.js';
import { createReportsJob } from '../../reports/job.js';
import { limitsOf } from '../../reports/limits.js';
import type { Sql } from '../../store/sql.js';
import { importFolder } from './files.js';
import { createReportMailbox, type ReportMailbox } from './mailbox.js';

let shared: ReportMailbox | undefined;

/** The report mailbox `serve` keeps open (IDLE), for the scheduled job to read through instead of a second login. */
export const sharedReportMailbox = (): ReportMailbox | undefined => shared;

/** For `serve`: the report mailbox watched with IDLE, so a report is stored moments after it is delivered. */
export function startReportMailbox(deps: { config: Config; db: Sql; log: Logger }): { stop(): Promise<void> } | undefined {
  if (!deps.config.reports.imap) return undefined;
  const mailbox = createReportMailbox({
    config: deps.config.reports,
    db: deps.db,
    log: deps.log,
    resolver: resolverForRun(deps.config.dns),
    limits: limitsOf(deps.config.reports),
    now: Date.now,
  });
  shared = mailbox;
  mailbox.watch();
  return {
    async stop() {
      if (shared === mailbox) shared = undefined;
      await mailbox.close();
    },
  };
}

function sourcesFor(config: Config): ReportSource[] {
  const sources: ReportSource[] = [];
  if (config.reports.imap) {
    sources.push({
      name: `mailbox ${config.reports.mailbox}`,
      async pull(deps) {
        const running = sharedReportMailbox();
        if (running) return running.pass();
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
}

export const reportsJob = createReportsJob(sourcesFor);
