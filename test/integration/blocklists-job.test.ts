import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { createBlocklistsJob } from '../../src/blocklists/job.js';
import { listEvents, listStatuses } from '../../src/blocklists/store.js';
import { parseConfigText } from '../../src/config/parse.js';
import { createJobRunner } from '../../src/jobs/job-runner.js';
import { soleOwner } from '../support/owner.js';
import { jobTable } from '../../src/jobs/table.js';
import { silentLogger } from '../../src/log.js';
import { createNodeRuntime } from '../../src/node/root.js';
import { openStore } from '../../src/node/sqlite-store.js';
import type { Sql } from '../../src/store/sql.js';
import { runCli } from '../support/cli.js';
import { world } from '../world/context.js';

const TARGETS = ['192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'];

function configFor(server: string) {
  return parseConfigText(
    `dns:\n  servers: ["${server}"]\n  timeoutMs: 300\n  tries: 1\nblocklists:\n  ips: [${TARGETS.join(', ')}]\n  zones: [zen.spamhaus.org]\n`,
    'inboxwatch.yaml',
    {},
  );
}

describe('the blocklists job', () => {
  let db: Sql;
  let clock = 1_000_000;
  const sweepWith = async (server: string) => {
    clock += 1_800_000;
    const config = configFor(server);
    const runner = createJobRunner({ config, db, log: silentLogger, now: () => clock, resolver: createNodeRuntime(config).resolver, owner: soleOwner });
    const outcome = await runner.run(createBlocklistsJob(), 'manual');
    expect(outcome.run.status).toBe('ok');
    return outcome;
  };
  const eventsAt = async (at: number) => (await listEvents(db, { from: at, to: at + 1, limit: 100 })).map((e) => `${e.event} ${e.target}`.trim()).sort();

  beforeAll(async () => {
    db = await openStore(':memory:');
  });
  afterAll(async () => {
    await db.close();
  });

  it('holds a sudden mass listing as suspect, confirms it next sweep, then writes nothing while nothing changes', async () => {
    const first = await sweepWith(world().dns.server);
    // Three of four targets newly listed on one list at once: held, not alerted.
    expect(await eventsAt(clock)).toEqual(['suspect 192.0.2.2', 'suspect 192.0.2.3', 'suspect 192.0.2.4']);
    expect(first.run.summary).toContain('3 suspect');
    expect((await listStatuses(db)).map((s) => s.status)).toEqual(['suspect', 'suspect', 'suspect', 'clean']);

    await sweepWith(world().dns.server);
    expect(await eventsAt(clock)).toEqual(['listed 192.0.2.2', 'listed 192.0.2.3', 'listed 192.0.2.4']);

    const before = (await listEvents(db, { limit: 1000 })).length;
    await sweepWith(world().dns.server);
    await sweepWith(world().dns.server);
    expect((await listEvents(db, { limit: 1000 })).length).toBe(before);
    const statuses = await listStatuses(db);
    expect(statuses.find((s) => s.target === '192.0.2.2')).toMatchObject({ status: 'listed', codes: ['127.0.0.2'], since: clock - 2 * 1_800_000, checkedAt: clock });
  });

  it('records an outage as errors beginning and ending, without a false new listing', async () => {
    await sweepWith(world().faultyDns.servfail.server);
    expect(await eventsAt(clock)).toEqual(['error_began 192.0.2.2', 'error_began 192.0.2.3', 'error_began 192.0.2.4', 'error_began 192.0.2.5', 'list_unhealthy']);
    await sweepWith(world().faultyDns.servfail.server);
    expect(await eventsAt(clock)).toEqual([]);
    await sweepWith(world().dns.server);
    expect(await eventsAt(clock)).toEqual(['error_ended 192.0.2.2', 'error_ended 192.0.2.3', 'error_ended 192.0.2.4', 'error_ended 192.0.2.5', 'list_healthy']);
  });

  it('serves the matrix and the events over the API', async () => {
    const token = 'blocklists-test-token-0123456789';
    const config = configFor(world().dns.server);
    const app = createApp({ db, tokens: [{ name: 'test', token, role: 'viewer' }], jobs: jobTable(config, createNodeRuntime(config).jobs), log: silentLogger });
    const get = (path: string) => app.request(path, { headers: { authorization: `Bearer ${token}` } });
    const matrix = (await (await get('/api/blocklists')).json()) as {
      targets: string[];
      lists: Array<{ zone: string }>;
      cells: string[][];
      notClean: Array<{ target: string; status: string; codes: string[] }>;
      health: Array<{ zone: string; healthy: boolean }>;
    };
    expect(matrix.lists).toEqual([{ zone: 'zen.spamhaus.org', list: expect.any(String) }]);
    expect(matrix.targets.map((t, i) => `${t} ${matrix.cells[i]?.join()}`)).toEqual(['192.0.2.2 listed', '192.0.2.3 listed', '192.0.2.4 listed', '192.0.2.5 clean']);
    expect(matrix.notClean.map((s) => `${s.target} ${s.status}`)).toEqual(['192.0.2.2 listed', '192.0.2.3 listed', '192.0.2.4 listed']);
    expect(matrix.notClean[0]?.codes).toEqual(['127.0.0.2']);
    expect(matrix.health).toMatchObject([{ zone: 'zen.spamhaus.org', healthy: true }]);
    expect(matrix.notClean[0]).not.toHaveProperty('lastKnown');
    const events = (await (await get(`/api/blocklists/events?from=${clock}`)).json()) as { events: Array<{ event: string }> };
    expect(events.events).toHaveLength(5);
    const bad = await get('/api/blocklists/events?from=soon');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.stringMatching(/^from: /) });
    expect((await app.request('/api/blocklists')).status).toBe(401);
  });
});

describe('inboxwatch blocklists', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'inboxwatch-blocklists-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const cli = (args: string[]) => runCli(['blocklists', ...args], { cwd: dir, env: { INBOXWATCH_DNS_SERVERS: world().dns.server } });

  it('prints JSON results and exits 1 when anything is listed', async () => {
    const { code, stdout } = await cli(['192.0.2.2', '192.0.2.5', '--zones', 'zen.spamhaus.org', '--json']);
    expect(code).toBe(1);
    const { results } = JSON.parse(stdout) as { results: unknown[] };
    expect(results).toEqual([
      {
        target: '192.0.2.2',
        zone: 'zen.spamhaus.org',
        list: 'Spamhaus ZEN',
        status: 'listed',
        severity: 'high',
        allowlisted: false,
        codes: ['127.0.0.2'],
        meaning: 'SBL: Spamhaus Blocklist (spam source or spam operation)',
        reason: 'Listed by SBL, see https://check.spamhaus.org/sbl/query/SBLTEST',
        delistUrl: 'https://check.spamhaus.org/',
        error: null,
      },
      expect.objectContaining({ target: '192.0.2.5', status: 'clean' }),
    ]);
  });

  it('exits 0 when all clean, 3 when nothing is listed but a check failed, 2 on a bad target or zone', async () => {
    expect((await cli(['192.0.2.5', '--zones', 'zen.spamhaus.org'])).code).toBe(0);
    const errored = await cli(['192.0.2.254', '--zones', 'zen.spamhaus.org']);
    expect(errored.code).toBe(3);
    expect(errored.stdout).toContain('could not check Spamhaus ZEN (zen.spamhaus.org): Spamhaus ZEN answered 127.255.255.254');
    const badTarget = await cli(['not_a_target!']);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toContain('target "not_a_target!"');
    const badZone = await cli(['192.0.2.2', '--zones', 'dnsbl.sorbs.net']);
    expect(badZone.code).toBe(2);
    expect(badZone.stderr).toContain('unknown zone "dnsbl.sorbs.net"');
  });

  it('prints a readable report naming listings, meanings and delisting pages', async () => {
    const { code, stdout } = await cli(['192.0.2.10', '198.51.100.1/32']);
    expect(code).toBe(1);
    expect(stdout).toContain('192.0.2.10: listed on 1');
    expect(stdout).toContain('listed (policy) on Spamhaus ZEN (zen.spamhaus.org) 127.0.0.10: PBL');
    expect(stdout).toContain('LISTED on Barracuda Reputation Block List (b.barracudacentral.org) 127.0.0.2');
    expect(stdout).toContain('delist: https://www.barracudacentral.org/rbl/removal-request');
  });
});
