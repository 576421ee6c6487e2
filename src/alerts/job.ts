import type { Job } from '../jobs/types.js';
import { listRuns } from '../store/runs.js';
import { digestSections } from './digest.js';
import { dashboardUrlOf } from './engine.js';
import { digestFacts, enqueue } from './store.js';

const FIRST_DIGEST_PERIOD = 7 * 86_400_000;

/**
 * The digest on `alerts.digest.schedule`: what happened since the last digest, queued for its channels;
 * the runner's after-run step sends it with everything else in the outbox.
 */
export const digestJob: Job = {
  name: 'digest',
  description: 'email (or post) a summary of placement, listings, findings and incidents',
  schedule: (config) => config.alerts.digest?.schedule,
  idleReason: (config) => (config.alerts.digest ? undefined : 'alerts.digest is not configured'),
  async run({ config, db, now }) {
    const digest = config.alerts.digest;
    if (!digest) return { summary: 'alerts.digest is not configured' };
    const at = now();
    const previous = (await listRuns(db, { job: 'digest', limit: 10 })).find((r) => r.status === 'ok');
    const from = previous?.startedAt ?? at - FIRST_DIGEST_PERIOD;
    const sections = digestSections(await digestFacts(db, from));
    for (const channel of digest.channels) {
      await enqueue(db, channel, { kind: 'digest', createdAt: at, dashboardUrl: dashboardUrlOf(config), from, sections });
    }
    return { summary: `digest since ${new Date(from).toISOString()} queued for ${digest.channels.join(', ')}`, details: { from, sections } };
  },
};
