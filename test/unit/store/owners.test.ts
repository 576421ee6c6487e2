import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/node/sqlite-store.js';
import { ownerGone, registerOwner, type OwnerRow } from '../../../src/store/owners.js';
import { claimOrphanedTests, createTest } from '../../../src/placement/store.js';

const owner = (over: Partial<OwnerRow> = {}): OwnerRow => ({ id: 'o', pid: 4242, host: 'box-a', command: 'serve', startedAt: 0, heartbeatAt: 100_000, ...over });
const vantage = (over: Partial<Parameters<typeof ownerGone>[1]> = {}) => ({ host: 'box-a', now: 110_000, isAlive: () => true, staleAfterMs: 60_000, ...over });

describe('ownerGone', () => {
  it('keeps a live owner on this host, and one elsewhere whose heartbeat is fresh', () => {
    expect(ownerGone(owner(), vantage())).toBe(false);
    expect(ownerGone(owner({ host: 'box-b' }), vantage({ isAlive: () => false }))).toBe(false);
  });
  it('gives up an owner on this host whose pid is not alive, at once', () => {
    expect(ownerGone(owner(), vantage({ isAlive: (pid) => pid !== 4242 }))).toBe(true);
  });
  it('gives up any owner whose heartbeat is stale, even with its pid alive (a reused pid)', () => {
    expect(ownerGone(owner({ heartbeatAt: 40_000 }), vantage())).toBe(true);
    expect(ownerGone(owner({ host: 'box-b', heartbeatAt: 40_000 }), vantage())).toBe(true);
    expect(ownerGone(owner({ heartbeatAt: 50_000 }), vantage())).toBe(false);
  });
  it('gives up work without an owner (from before owners were recorded, or one that retired)', () => {
    expect(ownerGone(undefined, vantage())).toBe(true);
  });
});

describe('claimOrphanedTests', () => {
  it('claims each orphaned test once, and never a live owner\'s or its own', async () => {
    const db = await openStore(':memory:');
    const plan = (token: string, ownerId: string) =>
      createTest(db, { token, trigger: 'cli', startedAt: 1, deadlineAt: 2, lateAfterMs: 1, providers: ['p'], messages: [], owner: ownerId });
    await registerOwner(db, owner({ id: 'live' }));
    await plan('iw-aaaaaaaaaaaaaaaaaaaa', 'dead');
    await plan('iw-bbbbbbbbbbbbbbbbbbbb', 'live');
    await plan('iw-cccccccccccccccccccc', 'me');
    const me = { id: 'me', isGone: async (id: string | null) => id === 'dead' };
    const other = { id: 'other', isGone: async (id: string | null) => id === 'dead' };
    const [mine, theirs] = await Promise.all([claimOrphanedTests(db, me), claimOrphanedTests(db, other)]);
    // Both saw the dead owner's test; the compare-and-set gives it to exactly one of them.
    expect([...mine, ...theirs].map((t) => t.token)).toEqual(['iw-aaaaaaaaaaaaaaaaaaaa']);
    const owners = await db.all<{ token: string; owner: string }>('SELECT token, owner FROM tests ORDER BY token');
    expect(owners.map((o) => o.owner)).toEqual([mine.length === 1 ? 'me' : 'other', 'live', 'me']);
    await db.close();
  });
});
