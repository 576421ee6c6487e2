import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import Database from 'better-sqlite3';
import { CLI, runCli, type CliResult } from '../support/cli.js';
import { dkimKeyFile, provider, seedEntry } from '../support/placement.js';
import { migrateLocalD1, startWorker, type WorkerProcess } from '../support/worker.js';
import { relay, world } from '../world/context.js';

const ADMIN = 'agent-test-admin-token-0123456789';
const AGENT_TOKEN = 'agent-test-probe-token-0123456789';
const TARGETS = ['192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'];

interface TestSummary {
  id: number;
  token: string;
}
interface BlocklistEvent {
  event: string;
  target: string;
  at: number;
}

/**
 * A probe agent on loopback: the built CLI runs the placement test (world seed 26, through the world's
 * relay) and a blocklist sweep (the world's DNS), and ships them to the worker in workerd over HTTP.
 */
describe('inboxwatch agent against the worker in workerd', () => {
  let dir: string;
  let config: string;
  let buffer: string;
  let state: string;
  let worker: WorkerProcess;
  const vars = { INBOXWATCH_ADMIN_TOKEN: ADMIN, INBOXWATCH_AGENT_TOKENS: `probe-eu:${AGENT_TOKEN}` };
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${worker.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(response.status, `${path}: ${worker.log().slice(-2000)}`).toBe(200);
    return (await response.json()) as T;
  };
  const agentOnce = (): Promise<CliResult> =>
    runCli(['-c', config, 'agent', '--server', worker.url, '--buffer', buffer, '--once'], { cwd: dir, env: { INBOXWATCH_AGENT_TOKEN: AGENT_TOKEN } });
  const blocklistRuns = async () => (await api<{ runs: Array<{ id: number }> }>('/api/runs?job=blocklists&limit=500')).runs;
  const placementTests = async () => (await api<{ tests: TestSummary[] }>('/api/tests?limit=500')).tests;
  const blocklistEvents = async () => (await api<{ events: BlocklistEvent[] }>('/api/blocklists/events?limit=1000')).events;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iw-agent-'));
    buffer = join(dir, 'buffer', 'agent.db');
    config = join(dir, 'inboxwatch.yaml');
    writeFileSync(
      config,
      stringify({
        database: join(dir, 'unused-server.db'),
        dns: { servers: [world().dns.server], timeoutMs: 1000, tries: 2 },
        providers: [provider('good', { sign: true, dkimKeyFile: dkimKeyFile(dir) })],
        seeds: [seedEntry(26)],
        placement: { timeout: '20s', lateAfter: '10s', pollInterval: '1s' },
        blocklists: { ips: TARGETS, zones: ['zen.spamhaus.org'] },
      }),
    );
    state = mkdtempSync(join(tmpdir(), 'iw-agent-d1-'));
    await migrateLocalD1(state);
    worker = await startWorker({ state, vars });
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
  });

  it('runs a placement test and a blocklist sweep and its results appear through the worker API', async () => {
    const first = await agentOnce();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^placement #\d+: ok — test #\d+: 1 inbox of 1$/m);
    expect(first.stdout).toMatch(/^blocklists #\d+: ok/m);
    expect(first.stdout).toMatch(/shipped 2 runs to http:\/\/127\.0\.0\.1:\d+\n/);
    expect(first.stdout).toMatch(/0 runs waiting/);
    expect(first.stderr).not.toContain(AGENT_TOKEN);

    const tests = await placementTests();
    expect(tests).toHaveLength(1);
    const report = await api<{ providers: Array<{ provider: string; seeds: Array<{ seed: string; placement: string }> }> }>(`/api/tests/${tests[0]?.id}`);
    expect(report.providers).toEqual([expect.objectContaining({ provider: 'good', seeds: [expect.objectContaining({ seed: world().seeds[25]?.address, placement: 'inbox' })] })]);

    const { targets, cells } = await api<{ targets: string[]; cells: string[][] }>('/api/blocklists');
    // The relay's sending address (127.0.0.2, the list's test point) is a target too, as providers[].ips.
    expect(relay('good').sourceAddress).toBe('127.0.0.2');
    expect(targets.map((t, i) => `${t} ${cells[i]?.join()}`)).toEqual(['127.0.0.2 suspect', '192.0.2.2 suspect', '192.0.2.3 suspect', '192.0.2.4 suspect', '192.0.2.5 clean']);
    expect((await blocklistEvents()).map((e) => `${e.event} ${e.target}`).sort()).toEqual(['suspect 127.0.0.2', 'suspect 192.0.2.2', 'suspect 192.0.2.3', 'suspect 192.0.2.4']);
  }, 120_000);

  it('buffers while the worker is down and, once it is back on the same D1, delivers every result exactly once', async () => {
    await worker.stop();
    const during = await agentOnce();
    // The runs happened; the server was away, so they wait in the buffer and the exit status says so.
    expect(during.code, during.stdout + during.stderr).toBe(1);
    expect(during.stdout).toMatch(/^placement #\d+: ok/m);
    expect(during.stdout).toMatch(/shipped 0 runs .*; stopped: server unreachable/);
    expect(during.stdout).toMatch(/2 runs waiting/);
    const waiting = await runCli(['-c', config, 'agent', 'status', '--buffer', buffer, '--json'], { cwd: dir });
    expect(waiting.code, waiting.stderr).toBe(0);
    expect(JSON.parse(waiting.stdout)).toMatchObject({ pending: 2, rejected: [], lastError: { error: expect.stringMatching(/unreachable/) } });

    worker = await startWorker({ state, vars });
    const after = await agentOnce();
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.stdout).toMatch(/shipped 4 runs/);

    // Three placement tests, each once; sweep 2 confirmed the listings, sweep 3 changed nothing.
    const tests = await placementTests();
    expect(tests).toHaveLength(3);
    expect(new Set(tests.map((t) => t.token)).size).toBe(3);
    expect((await blocklistEvents()).map((e) => `${e.event} ${e.target}`).sort()).toEqual([
      'listed 127.0.0.2',
      'listed 192.0.2.2',
      'listed 192.0.2.3',
      'listed 192.0.2.4',
      'suspect 127.0.0.2',
      'suspect 192.0.2.2',
      'suspect 192.0.2.3',
      'suspect 192.0.2.4',
    ]);
    const { runs } = await api<{ runs: Array<{ job: string; status: string }> }>('/api/runs?limit=100');
    expect(runs.map((r) => `${r.job} ${r.status}`).sort()).toEqual(['blocklists ok', 'blocklists ok', 'blocklists ok', 'placement ok', 'placement ok', 'placement ok']);
  }, 240_000);

  it('ships a sweep a SIGKILLed agent left running, as interrupted, exactly once after the next start', async () => {
    // A sweep through a DNS server that never answers hangs on its lookups: the agent is killed in the middle.
    const hanging = join(dir, 'hanging.yaml');
    const onlySweeps = { blocklists: '*/2 * * * * *', placement: 'off', housekeeping: 'off', reports: 'off', audit: 'off' };
    writeFileSync(hanging, stringify({ dns: { servers: [world().faultyDns.silent.server], timeoutMs: 60_000, tries: 1 }, blocklists: { ips: TARGETS, zones: ['zen.spamhaus.org'] }, schedules: onlySweeps }));
    const killedBuffer = join(dir, 'killed-agent.db');
    const before = await api<{ runs: Array<{ id: number; status: string; error: string | null }> }>('/api/runs?job=blocklists&limit=500');
    const killed = await startAgent(['-c', hanging, 'agent', '--server', worker.url, '--buffer', killedBuffer], { cwd: dir, env: { INBOXWATCH_AGENT_TOKEN: AGENT_TOKEN } });
    await killed.waitFor(/job started.*"job":"blocklists"/);
    expect(await killed.stop('SIGKILL')).toBeNull();

    // Started again with the DNS fixed: the killed run is marked interrupted and queued at start, then shipped.
    const fixed = join(dir, 'fixed.yaml');
    writeFileSync(fixed, stringify({ dns: { servers: [world().dns.server], timeoutMs: 1000, tries: 2 }, blocklists: { ips: TARGETS, zones: ['zen.spamhaus.org'] }, schedules: onlySweeps }));
    const again = await runCli(['-c', fixed, 'agent', '--server', worker.url, '--buffer', killedBuffer, '--once'], { cwd: dir, env: { INBOXWATCH_AGENT_TOKEN: AGENT_TOKEN } });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/shipped 2 runs/);
    expect(again.stderr).toMatch(/queued runs an earlier agent process left unshipped.*"count":1/);
    const third = await runCli(['-c', fixed, 'agent', '--server', worker.url, '--buffer', killedBuffer, '--once'], { cwd: dir, env: { INBOXWATCH_AGENT_TOKEN: AGENT_TOKEN } });
    expect(third.stdout).toMatch(/shipped 1 run /);

    const after = await api<{ runs: Array<{ id: number; status: string; error: string | null }> }>('/api/runs?job=blocklists&limit=500');
    const known = new Set(before.runs.map((r) => r.id));
    const arrived = after.runs.filter((r) => !known.has(r.id));
    expect(arrived.map((r) => r.status).sort()).toEqual(['interrupted', 'ok', 'ok']);
    expect(arrived.find((r) => r.status === 'interrupted')?.error).toBe('the process stopped before the run finished');
  }, 120_000);

  it('keeps sweeping on its schedule through an outage, catches up when the worker is back, and stops cleanly on SIGTERM', async () => {
    const scheduled = join(dir, 'scheduled.yaml');
    writeFileSync(
      scheduled,
      stringify({
        dns: { servers: [world().dns.server], timeoutMs: 1000, tries: 2 },
        blocklists: { ips: TARGETS, zones: ['zen.spamhaus.org'] },
        schedules: { blocklists: '*/2 * * * * *', placement: 'off', housekeeping: 'off', reports: 'off', audit: 'off' },
      }),
    );
    const localBuffer = join(dir, 'scheduled-agent.db');
    const sweepsBefore = (await blocklistRuns()).length;
    const agent = await startAgent(['-c', scheduled, 'agent', '--server', worker.url, '--buffer', localBuffer, '--max-backoff', '3s'], { cwd: dir, env: { INBOXWATCH_AGENT_TOKEN: AGENT_TOKEN } });
    try {
      await agent.waitFor(/shipped results/);
      await worker.stop();
      await agent.waitFor(/could not ship results; they stay in the buffer/);
      // Sweeps go on while the worker is away.
      await agent.waitFor(/job finished.*"job":"blocklists"[\s\S]*job finished.*"job":"blocklists"[\s\S]*job finished.*"job":"blocklists"/, agent.log().length);
      // Back where the agent expects it.
      worker = await startWorker({ state, vars, port: Number(new URL(worker.url).port) });
      await poll(async () => ((await outboxOf(localBuffer)).pending === 0 ? true : undefined), 60_000, agent.log);
    } finally {
      expect(await agent.stop('SIGTERM')).toBe(0);
    }
    const swept = localRuns(localBuffer, 'blocklists');
    expect(swept).toBeGreaterThanOrEqual(4);
    expect((await outboxOf(localBuffer)).pending).toBe(0);
    // Every sweep the agent finished, once each: none lost in the outage, none doubled by a retry.
    expect((await blocklistRuns()).length - sweepsBefore).toBe(swept);
    expect(agent.log()).not.toContain(AGENT_TOKEN);
  }, 180_000);
});

/** The outbox as `inboxwatch agent status --json` reports it, read while the agent runs. */
async function outboxOf(buffer: string): Promise<{ pending: number }> {
  const status = await runCli(['agent', 'status', '--buffer', buffer, '--json'], { cwd: tmpdir() });
  return JSON.parse(status.stdout) as { pending: number };
}

/** Finished runs of a job in the agent's own store. */
function localRuns(buffer: string, job: string): number {
  const db = new Database(buffer, { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM runs WHERE job = ? AND status != 'running'").get(job) as { n: number }).n;
  } finally {
    db.close();
  }
}

interface AgentProcess {
  log(): string;
  /** Resolves when the log, from `from` on, matches. */
  waitFor(pattern: RegExp, from?: number): Promise<void>;
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

async function startAgent(args: string[], options: { cwd: string; env: Record<string, string> }): Promise<AgentProcess> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: 'pipe' });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    log: () => output,
    async waitFor(pattern, from = 0) {
      await poll(async () => (pattern.test(output.slice(from)) ? true : undefined), 60_000, () => output);
    },
    async stop(signal) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs: number, log: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out; log ends:\n${log().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
