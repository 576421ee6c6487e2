import type { Config } from '../config/schema.js';
import type { Resolver } from '../dns/types.js';
import type { Logger } from '../log.js';
import type { Sql } from '../store/sql.js';
import type { Collector, LocalVerifier, SenderFactory } from './mail-io.js';

export interface CollectorDeps {
  config: Config;
  db: Sql;
  resolver: Resolver;
  log: Logger;
  /** false turns IDLE off so only polling finds messages (the benchmark's baseline). */
  idle?: boolean;
}

/**
 * What placement needs from the process it runs in: the mail adapters, and the state one process shares
 * between its tests. A runtime's composition root makes one and hands it to every placement caller.
 */
export interface PlacementRuntime {
  /** Tests being completed in this process, so a job run does not take up one that start-up is resuming. */
  readonly active: Set<number>;
  /** The long-lived collector of a server process, for scheduled runs to reuse; undefined when none runs. */
  shared: Collector | undefined;
  /** A collector whose seed logins and failures are recorded as seed health. */
  openCollector(deps: CollectorDeps): Collector;
  createSender: SenderFactory;
  verifyLocally: LocalVerifier;
}
