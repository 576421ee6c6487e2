import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startServe, type ServeProcess } from '../support/cli.js';

// The built CLI, run as users run it: exit statuses, messages and the files it leaves behind.

const fresh = () => mkdtempSync(join(tmpdir(), 'inboxwatch-trust-'));
const mode = (file: string) => (statSync(file).mode & 0o777).toString(8);

let server: ServeProcess | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('files inboxwatch creates', () => {
  it('creates data/ 0700 and the database, its -wal and -shm and the API token 0600, whatever the umask', async () => {
    const cwd = fresh();
    server = await startServe({ cwd, args: [], env: { INBOXWATCH_DNS_SERVERS: '127.0.0.1:53' } });
    const data = join(cwd, 'data');
    expect(mode(data)).toBe('700');
    for (const file of ['inboxwatch.db', 'inboxwatch.db-wal', 'inboxwatch.db-shm', 'api-token']) {
      expect({ file, mode: mode(join(data, file)) }).toEqual({ file, mode: '600' });
    }
  });

  it.each([
    ['readable by others', '0123456789abcdefghijklmnop\n', 0o644, /readable or writable by group or others \(mode 0644\).*chmod 600/],
    ['writable by the group', '0123456789abcdefghijklmnop\n', 0o620, /mode 0620/],
    ['shorter than 16 characters', 'short\n', 0o600, /token of 5 characters; at least 16 are needed: delete the file/],
    ['empty', '\n', 0o600, /token of 0 characters/],
  ])('refuses an existing data/api-token that is %s, saying what to do', async (_what, content, fileMode, message) => {
    const cwd = fresh();
    mkdirSync(join(cwd, 'data'), { mode: 0o700 });
    const token = join(cwd, 'data', 'api-token');
    writeFileSync(token, content);
    chmodSync(token, fileMode);
    const result = await runCli(['serve', '--port', '0'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`API token file ${token}`);
    expect(result.stderr).toMatch(message);
  });
});

describe('bad input on the command line', () => {
  it.each(['abc', '-1', '65536', '80x', '1e3', ''])('serve --port %s is a usage error (exit 2)', async (port) => {
    const result = await runCli(['serve', '--port', port], { cwd: fresh() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port/);
  });

  it.each(['010.0.0.1', '1.2.3', '3221225985', '0x7f.0.0.2', '192.0.2.0010/28'])('blocklists %s is refused as a legacy IPv4 form (exit 2) before any query', async (target) => {
    const result = await runCli(['blocklists', target], { cwd: fresh(), env: { INBOXWATCH_DNS_SERVERS: '127.0.0.1:9' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/legacy IPv4 form/);
  });

  it.each(['010.0.0.1', '1.2.3', '3221225985'])('audit --ip %s is refused as a legacy IPv4 form (exit 2)', async (ip) => {
    const result = await runCli(['audit', 'example.com', '--ip', ip], { cwd: fresh(), env: { INBOXWATCH_DNS_SERVERS: '127.0.0.1:9' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--ip: "${ip}" is a legacy IPv4 form`);
  });

  it('test --timeout beyond the platform timer limit is a usage error', async () => {
    const result = await runCli(['test', '--timeout', '25d'], { cwd: fresh() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/2\^31-1 ms/);
  });
});

describe('configuration and database paths', () => {
  it('names a configuration path that is a directory', async () => {
    const cwd = fresh();
    mkdirSync(join(cwd, 'conf'));
    const result = await runCli(['--config', 'conf', 'config', 'check'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${join(cwd, 'conf')}: is a directory, not a configuration file`);
  });

  it.each([
    ['a file that is not SQLite', (cwd: string) => writeFileSync(join(cwd, 'notes.db'), 'these are my notes, not a database\n'.repeat(50)), 'notes.db', /is not an SQLite database/],
    ['a directory', (cwd: string) => mkdirSync(join(cwd, 'notes.db')), 'notes.db', /is a directory; name a file inside it/],
    ['under a file', (cwd: string) => writeFileSync(join(cwd, 'plain'), 'x'), 'plain/inboxwatch.db', /cannot be opened/],
  ])('migrate names a database path that is %s and leaves it alone', async (_what, prepare, database, message) => {
    const cwd = fresh();
    prepare(cwd);
    const result = await runCli(['migrate'], { cwd, env: { INBOXWATCH_DATABASE: join(cwd, database) } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`database "${join(cwd, database)}"`);
    expect(result.stderr).toMatch(message);
    if (database === 'notes.db' && !statSync(join(cwd, database)).isDirectory()) expect(existsSync(join(cwd, 'notes.db-wal'))).toBe(false);
  });

  it('refuses an empty database path from the file or the environment', async () => {
    const cwd = fresh();
    writeFileSync(join(cwd, 'inboxwatch.yaml'), 'database: ""\n');
    const fromFile = await runCli(['migrate'], { cwd });
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toMatch(/inboxwatch\.yaml:1:\d+: database: expected a database file path/);
    const fromEnv = await runCli(['migrate'], { cwd: fresh(), env: { INBOXWATCH_DATABASE: '' } });
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.stderr).toMatch(/database: INBOXWATCH_DATABASE is set but empty/);
  });
});
