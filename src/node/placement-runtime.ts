import type { Collector } from '../placement/mail-io.js';
import type { CollectorDeps, PlacementRuntime } from '../placement/runtime.js';
import { recordSeedFailure, recordSeedLogin } from '../placement/store.js';
import { createCollector } from './imap-collector.js';
import { verifyLocally } from './mailauth-verify.js';
import { createProviderSender } from './smtp-sender.js';

/** Placement on Node: nodemailer sends, imapflow reads, mailauth verifies; one per process. */
export function createNodePlacementRuntime(): PlacementRuntime {
  return {
    active: new Set(),
    shared: undefined,
    openCollector: collectorFor,
    createSender: (provider, resolver) => createProviderSender(provider, resolver),
    verifyLocally,
  };
}

/** A collector whose seed logins and failures are recorded as seed health. */
export function collectorFor(deps: CollectorDeps): Collector {
  return createCollector({
    resolver: deps.resolver,
    log: deps.log,
    pollIntervalMs: deps.config.placement.pollInterval,
    deleteAfterRead: deps.config.placement.deleteAfterRead,
    idle: deps.idle,
    spamIdle: deps.config.placement.spamIdle,
    health: {
      login: (seed, at, quota) => recordSeedLogin(deps.db, seed, at, quota),
      failure: (seed, at, error) => recordSeedFailure(deps.db, seed, at, error),
    },
  });
}
