import type { Config } from '../config/schema.js';
import type { Job, JobContext } from '../jobs/types.js';
import { retryFailedLookups, type IngestDeps, type IngestOutcome } from './ingest.js';
import { limitsOf } from './limits.js';

/** Somewhere reports arrive (a mailbox, a folder), read by the runtime that can reach it. */
export interface ReportSource {
  name: string;
  pull(deps: IngestDeps, context: JobContext): Promise<IngestOutcome[]>;
}

/** The scheduled run: reads every configured source, then retries reverse lookups that failed earlier. */
export function createReportsJob(sourcesFor: (config: Config) => ReportSource[]): Job {
  return {
    name: 'reports',
    description: 'take in DMARC aggregate, failure and SMTP TLS reports from the report mailbox and folder',
    idleReason: (config) => (sourcesFor(config).length === 0 ? 'no report mailbox (reports.imap) or folder (reports.folder) configured' : undefined),
    async run(context) {
      const deps: IngestDeps = { db: context.db, resolver: context.resolver, log: context.log, limits: limitsOf(context.config.reports), now: context.now };
      const outcomes: IngestOutcome[] = [];
      const failures: string[] = [];
      for (const source of sourcesFor(context.config)) {
        try {
          outcomes.push(...(await source.pull(deps, context)));
        } catch (error) {
          failures.push(`${source.name}: ${(error as Error).message}`);
        }
      }
      const retried = await retryFailedLookups(deps);
      const count = (status: string) => outcomes.filter((o) => o.status === status).length;
      const summary = `${count('stored')} reports stored, ${count('duplicate')} duplicates, ${count('rejected')} rejected${retried > 0 ? `, ${retried} lookups retried` : ''}`;
      // A source we could not read is the run's failure, not "no reports".
      if (failures.length > 0) throw new Error(`${summary}; could not read ${failures.join('; ')}`);
      return { summary, details: { files: outcomes } };
    },
  };
}
