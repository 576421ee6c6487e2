import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../world/ports.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
/** wrangler and workerd run offline here: no usage reports, no fetch of the Request.cf placeholder. */
const OFFLINE = { CI: '1', WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };

export interface WorkerProcess {
  url: string;
  log(): string;
  /** Stops `wrangler dev` (and workerd under it). */
  stop(): Promise<void>;
}

/**
 * The shipped wrangler.toml with `extra` appended (bindings a deployment adds, such as send_email), written
 * elsewhere with its paths made absolute; returns the file's path for `config`.
 */
export function wranglerConfigWith(extra: string): string {
  const shipped = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')
    .replace(/^main = "(.+)"$/m, (_, path: string) => `main = "${join(ROOT, path)}"`)
    .replace(/^directory = "(.+)"$/m, (_, path: string) => `directory = "${join(ROOT, path)}"`)
    .replace(/^migrations_dir = "(.+)"$/m, (_, path: string) => `migrations_dir = "${join(ROOT, path)}"`);
  const file = join(mkdtempSync(join(tmpdir(), 'iw-wrangler-')), 'wrangler.toml');
  writeFileSync(file, `${shipped}
${extra}
`);
  return file;
}

/** Applies the migrations to a local D1 kept in `state`, as `wrangler d1 migrations apply --local` does for users. */
export async function migrateLocalD1(state: string, config?: string): Promise<void> {
  const configArgs = config ? ['--config', config] : [];
  await promisify(execFile)(process.execPath, [WRANGLER, 'd1', 'migrations', 'apply', 'inboxwatch', '--local', '--persist-to', state, ...configArgs], {
    cwd: ROOT,
    env: { ...process.env, ...OFFLINE },
    timeout: 120_000,
  });
}

/**
 * `wrangler dev --local` on a loopback port with the local D1 in `state` and the given vars (secrets in
 * production). `port` restarts a stopped worker where its clients (agents) still expect it; `config` names
 * another wrangler file (for bindings the default one leaves out).
 */
export async function startWorker(options: { state: string; vars: Record<string, string>; port?: number; config?: string }): Promise<WorkerProcess> {
  const [port, inspector] = [options.port ?? (await freePort()), await freePort()];
  const args = [WRANGLER, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector)];
  if (options.config) args.push('--config', options.config);
  args.push('--persist-to', options.state, '--test-scheduled', '--show-interactive-dev-session=false', '--log-level', 'info');
  for (const [key, value] of Object.entries(options.vars)) args.push('--var', `${key}:${value}`);
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...OFFLINE }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wrangler dev did not start:\n${output}`)), 90_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready on/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wrangler dev exited with ${code}:\n${output}`));
    });
  });
  return { url, log: () => output, stop: () => stopGroup(child) };
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = once(child, 'exit');
  // workerd is wrangler's child: end the whole group so no runtime outlives the test.
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
