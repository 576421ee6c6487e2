import type { TestProject } from 'vitest/node';

import type {} from './context.js'; // its ProvidedContext augmentation types `provide('world', ...)`
import { startWorld } from './index.js';

/**
 * seed1..seed4 for ordinary use; seed5..seed27 for test files that set recipient rules or need a mailbox of
 * their own, one set per file (seed20: alerts; seed21: the DMARC report mailbox; seed23..25: process ownership;
 * seed22 and seed26: the probe agent; seed27: report alert rules).
 */
const SPARE_SEEDS = 23;

/** One world per test run, shared by every test file; tests reach it through ./context.ts. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const world = await startWorld({ extraSeeds: SPARE_SEEDS });
  project.provide('world', world.info);
  return () => world.stop();
}
