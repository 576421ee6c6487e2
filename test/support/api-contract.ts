import { expect } from 'vitest';

export interface ApiTarget {
  url: string;
  adminToken: string;
  viewerToken: string;
}

/**
 * What every runtime's API promises, whatever stores or resolves behind it: the same routes, the same
 * auth, the same errors. Run against `inboxwatch serve` and against the Worker in workerd.
 */
export async function checkApiContract(target: ApiTarget): Promise<void> {
  const get = (path: string, token?: string) => fetch(`${target.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  const health = await get('/healthz');
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });

  const anonymous = await get('/api/runs');
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
  expect((await get('/api/runs', 'not-a-token-at-all-0000')).status).toBe(401);

  const runs = await get('/api/runs', target.viewerToken);
  expect(runs.status).toBe(200);
  expect(await runs.json()).toMatchObject({ runs: expect.any(Array) });

  const bad = await get('/api/runs?limit=lots', target.viewerToken);
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: string }).error).toMatch(/^limit:/);

  const jobs = (await (await get('/api/jobs', target.viewerToken)).json()) as { jobs: Array<{ name: string; schedule: string | null }> };
  expect(jobs.jobs.map((job) => job.name)).toEqual(expect.arrayContaining(['housekeeping', 'audit', 'blocklists']));

  for (const path of ['/api/domains', '/api/blocklists', '/api/blocklists/events']) {
    const response = await get(path, target.viewerToken);
    expect(response.status, path).toBe(200);
    expect(response.headers.get('content-type'), path).toContain('application/json');
  }

  // Agents' ingest: the same refusals on every runtime, none of which stores anything.
  const ingest = (body: string, token: string) =>
    fetch(`${target.url}/api/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
  expect((await ingest('{}', target.viewerToken)).status).toBe(403);
  const notJson = await ingest('{"version":', target.adminToken);
  expect(notJson.status).toBe(400);
  expect(((await notJson.json()) as { error: string }).error).toMatch(/^body: not JSON/);
  const empty = await ingest(JSON.stringify({ version: 1, id: 'contract-empty', runs: [] }), target.adminToken);
  expect(empty.status).toBe(422);
  expect(await empty.json()).toMatchObject({ path: 'runs', error: expect.stringMatching(/^runs: /) });

  const missing = await get('/api/no-such-thing', target.viewerToken);
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: string }).error).toContain('no such endpoint');
}
