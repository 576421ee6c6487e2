import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startServe, type ServeProcess } from '../support/cli.js';

const running: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop('SIGKILL')));
});

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), 'iw-server-'));
}

async function serve(cwd: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const server = await startServe({ cwd, env });
  running.push(server);
  return server;
}

describe('inboxwatch serve on a fresh directory', () => {
  it('starts with no configuration, answers /healthz and guards /api with the generated token', async () => {
    const dir = freshDir();
    const server = await serve(dir);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    const anonymous = await fetch(`${server.url}/api/runs`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect((await fetch(`${server.url}/api/runs`, { headers: { authorization: 'Bearer wrong-token-000000000' } })).status).toBe(401);

    const token = readFileSync(join(dir, 'data', 'api-token'), 'utf8').trim();
    expect(server.log()).not.toContain(token);
    const authorised = await fetch(`${server.url}/api/runs`, { headers: { authorization: `Bearer ${token}` } });
    expect(authorised.status).toBe(200);
    expect(await authorised.json()).toEqual({ runs: [] });

    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<iw-app>');
  });

  it('uses the configured tokens, rejects a bad query parameter by name, and exits 0 on SIGTERM', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'inboxwatch.yaml'), 'server:\n  tokens:\n    - { name: ops, token: "${OPS_TOKEN}", role: viewer }\n');
    const token = 'viewer-token-abcdefghijklmnop';
    const server = await serve(dir, { OPS_TOKEN: token });
    const headers = { authorization: `Bearer ${token}` };

    const bad = await fetch(`${server.url}/api/runs?limit=lots`, { headers });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^limit:/);

    const jobs = (await (await fetch(`${server.url}/api/jobs`, { headers })).json()) as { jobs: Array<{ name: string }> };
    expect(jobs.jobs.map((j) => j.name)).toContain('housekeeping');
    expect(server.log()).not.toContain(token);
    expect(await server.stop('SIGTERM')).toBe(0);
  });

  it('records `inboxwatch run` in the runs the API lists', async () => {
    const dir = freshDir();
    const result = await runCli(['run', 'housekeeping'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^housekeeping #1: ok in \d+\.\ds — pruned 0 runs, 0 notifications, 0 ingest records past retention\n$/);

    const server = await serve(dir);
    const token = readFileSync(join(dir, 'data', 'api-token'), 'utf8').trim();
    const body = (await (await fetch(`${server.url}/api/runs`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      runs: Array<{ job: string; status: string; trigger: string }>;
    };
    expect(body.runs).toEqual([expect.objectContaining({ job: 'housekeeping', status: 'ok', trigger: 'manual' })]);
  });

  it('marks a run as interrupted when its process is killed mid-job', async () => {
    const dir = freshDir();
    const database = join(dir, 'data', 'inboxwatch.db');
    const script = fileURLToPath(new URL('../support/endless-job.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, database], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('started')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`endless job exited early with ${code}`)));
    });
    child.kill('SIGKILL');
    await once(child, 'exit');

    const result = await runCli(['run', 'housekeeping', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const server = await serve(dir);
    const token = readFileSync(join(dir, 'data', 'api-token'), 'utf8').trim();
    const body = (await (await fetch(`${server.url}/api/runs?job=endless`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      runs: Array<{ status: string; error: string; finishedAt: number }>;
    };
    expect(body.runs).toEqual([expect.objectContaining({ status: 'interrupted', error: expect.stringContaining('stopped') })]);
  });

  it('refuses a bad configuration before touching the database', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'inboxwatch.yaml'), 'server:\n  port: "eighty"\n');
    const result = await runCli(['serve'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('inboxwatch.yaml:2:9: server.port: expected a number');
    expect(() => readFileSync(join(dir, 'data', 'inboxwatch.db'))).toThrow();
  });
});
