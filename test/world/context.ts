import { inject } from 'vitest';

import type { Delivery, RecipientRule, RelayInfo, SeedAccount, WorldInfo } from './types.js';

declare module 'vitest' {
  export interface ProvidedContext {
    world: WorldInfo;
  }
}

/** The world the global setup started for this run. */
export function world(): WorldInfo {
  const info = inject('world');
  if (info === undefined) {
    throw new Error('no test world: run through vitest.config.ts (globalSetup test/world/global-setup.ts)');
  }
  return info;
}

export function relay(name: string): RelayInfo {
  const found = world().relays[name];
  if (!found) throw new Error(`no relay "${name}" in the test world, only ${Object.keys(world().relays).join(', ')}`);
  return found;
}

/** Seed `n`, counting from 1 as their addresses do (seed1@...). */
export function seed(n: number): SeedAccount {
  const found = world().seeds[n - 1];
  if (!found) throw new Error(`no seed${n} in the test world; it has ${world().seeds.length}`);
  return found;
}

/**
 * Rules are shared by every test file of the run: give each test its own seeds, and clear what you set.
 */
export async function setRecipientRule(address: string, rule: RecipientRule): Promise<void> {
  await control('PUT', `/recipients/${encodeURIComponent(address)}`, JSON.stringify(rule));
}

export async function clearRecipientRule(address: string): Promise<void> {
  await control('DELETE', `/recipients/${encodeURIComponent(address)}`);
}

/** What the world's MX has delivered to this address so far, with when. */
export async function deliveriesTo(address: string): Promise<Delivery[]> {
  return JSON.parse(await control('GET', `/deliveries/${encodeURIComponent(address)}`)) as Delivery[];
}

async function control(method: string, path: string, body?: string): Promise<string> {
  const response = await fetch(`${world().controlUrl}${path}`, { method, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`test world control ${method} ${path}: ${response.status} ${text}`);
  return text;
}
