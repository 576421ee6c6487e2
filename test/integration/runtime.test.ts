import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, startServe } from '../support/cli.js';
import { world } from '../world/context.js';

const COLLECT_OFTEN = fileURLToPath(new URL('../support/collect-garbage-often.cjs', import.meta.url));

interface Run {
  job: string;
  status: string;
}

describe('the runtime', () => {
  it('keeps serving scheduled work while garbage is collected every 20 ms, then exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iw-runtime-'));
    writeFileSync(
      join(dir, 'inboxwatch.yaml'),
      [
        'server:',
        '  tokens: [{ name: ci, token: "runtime-test-token-0123456789", role: admin }]',
        'dns:',
        `  servers: ["${world().dns.server}"]`,
        '  timeoutMs: 500',
        'domains: [{ name: spf-deep.audit.test }, { name: nodmarc.audit.test }]',
        'blocklists:',
        '  ips: [192.0.2.0/28]',
        '  zones: [zen.spamhaus.org, b.barracudacentral.org]',
        'schedules: { blocklists: "*/2 * * * * *", audit: "*/3 * * * * *", housekeeping: "*/5 * * * * *" }',
        '',
      ].join('\n'),
    );
    const server = await startServe({
      cwd: dir,
      env: { NODE_OPTIONS: `--expose-gc --require ${COLLECT_OFTEN}` },
    });
    const headers = { authorization: 'Bearer runtime-test-token-0123456789' };
    try {
      await new Promise((resolve) => setTimeout(resolve, 20_000));
      expect(server.child.exitCode, server.log()).toBeNull();
      const { runs } = (await (await fetch(`${server.url}/api/runs?limit=200`, { headers })).json()) as { runs: Run[] };
      const finished = (job: string) => runs.filter((run) => run.job === job && run.status === 'ok').length;
      expect(finished('blocklists'), server.log()).toBeGreaterThanOrEqual(5);
      expect(finished('audit'), server.log()).toBeGreaterThanOrEqual(3);
      expect(runs.filter((run) => run.status === 'error')).toEqual([]);
    } finally {
      expect(await server.stop('SIGTERM'), server.log()).toBe(0);
    }
    expect(server.log()).not.toMatch(/Assertion failed|Segmentation fault/);
  }, 60_000);

  it('refuses to start on a Node.js older than 22.19, naming the version', async () => {
    // .ci/run names the machine's own Node 20; elsewhere the check runs only where such a Node is given.
    const oldNode = process.env.INBOXWATCH_TEST_OLD_NODE;
    if (process.env.CI) expect(oldNode, 'CI must name an old Node.js in INBOXWATCH_TEST_OLD_NODE').toBeTruthy();
    if (!oldNode) return;
    const version = execFileSync(oldNode, ['--version'], { encoding: 'utf8' }).trim();
    const result = await runCli(['--help'], { cwd: tmpdir() }, oldNode);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Node.js ${version.replace(/^v/, '')} is not supported`);
    expect(result.stderr).toContain('22.19');
  });
});
