import type { TestProject } from 'vitest/node';

import type {} from './context.js'; // its ProvidedContext augmentation types `provide('world', ...)`
import { startWorld } from './index.js';

/** seed1..seed4 for ordinary use; seed5..seed22 for test files that set recipient rules, one set per file. */
const SPARE_SEEDS = 18;

/** One world per test run, shared by every test file; tests reach it through ./context.ts. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const world = await startWorld({ extraSeeds: SPARE_SEEDS });
  project.provide('world', world.info);
  return () => world.stop();
}
