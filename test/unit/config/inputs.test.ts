import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../../src/config/errors.js';
import { parseConfigText } from '../../../src/config/parse.js';
import { loadConfig } from '../../../src/node/config-file.js';

function issuesOf(text: string, env: Record<string, string> = {}): ConfigIssue[] {
  try {
    parseConfigText(text, 'inboxwatch.yaml', env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const SEED = (pass: string) => `seeds:
  - address: seed@example.com
    imap: { host: imap.example.com, port: "\${IMAP_PORT}", secure: "\${IMAP_TLS}", user: seed@example.com, pass: "${pass}" }
`;

describe('environment substitution keeps strings as strings', () => {
  it.each([
    ['12345678', '12345678'],
    ['true', 'true'],
    ['false', 'false'],
    ['0x1F', '0x1F'],
    ['1e3', '1e3'],
    ['007', '007'],
    ['null', 'null'],
  ])('a secret %s stays the string %s where the schema wants a string', (value, expected) => {
    const config = parseConfigText(SEED('${SEED_PASS}'), 'inboxwatch.yaml', { SEED_PASS: value, IMAP_PORT: '1993', IMAP_TLS: 'false' });
    expect(config.seeds[0]?.imap.pass).toBe(expected);
    // ...while the same kind of reference still gives a number or boolean where the schema wants one.
    expect(config.seeds[0]?.imap.port).toBe(1993);
    expect(config.seeds[0]?.imap.secure).toBe(false);
  });

  it('keeps numeric tokens, users and DQS keys as strings, and durations from digits as milliseconds', () => {
    const config = parseConfigText(
      'server: { tokens: [{ name: ci, token: "${TOKEN}" }] }\nblocklists: { dqsKey: "${DQS}" }\nplacement: { timeout: "${TIMEOUT}" }\n',
      'inboxwatch.yaml',
      { TOKEN: '1234567890123456', DQS: '12345678901234567890', TIMEOUT: '90000' },
    );
    expect(config.server.tokens[0]?.token).toBe('1234567890123456');
    expect(config.blocklists.dqsKey).toBe('12345678901234567890');
    expect(config.placement.timeout).toBe(90_000);
  });

  it('still reports a value that fits neither way at its line', () => {
    const issues = issuesOf(SEED('x'), { IMAP_PORT: 'imaps', IMAP_TLS: 'yes please' });
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['seeds[0].imap.port', 3],
      ['seeds[0].imap.secure', 3],
    ]);
  });
});

describe('addresses in the configuration', () => {
  it.each(['010.0.0.1', '1.2.3', '3221225985', '0x7f.0.0.1', '127.1', '::ffff:010.0.0.1'])('refuses the legacy IPv4 form %s everywhere an address goes', (ip) => {
    const text = `server: { host: "${ip}" }
dns: { servers: ["${ip}"] }
providers: [{ name: p, smtp: { host: "${ip}" }, from: a@example.com, ips: ["${ip}"] }]
blocklists:
  ips: ["${ip}", "${ip}/32"]
  custom: [{ zone: bl.example.net, type: ip, testPoints: { listed: "${ip}" } }]
`;
    const issues = issuesOf(text);
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['server.host', 'dns.servers[0]', 'providers[0].smtp.host', 'providers[0].ips[0]', 'blocklists.ips[0]', 'blocklists.ips[1]', 'blocklists.custom[0].testPoints.listed']),
    );
    for (const issue of issues) {
      expect(issue.message).toMatch(/legacy IPv4 form/);
      expect(issue.line).toBeGreaterThan(0);
    }
  });

  it.each([
    ['dns.servers', 'dns: { servers: ["resolver.example.net"] }', 'dns.servers[0]', 1],
    ['dns.servers', 'dns:\n  servers:\n    - 127.0.0.1:99999', 'dns.servers[0]', 3],
    ["dns.servers", "dns:\n  servers:\n    - \"[::1]:0\"", "dns.servers[0]", 3],
    ['dns.servers', 'dns:\n  servers:\n    - "[127.0.0.1]:53"', 'dns.servers[0]', 3],
    ['server.host', 'server:\n  host: "not a host"', 'server.host', 2],
    ['server.host', 'server:\n  host: "[::1]"', 'server.host', 2],
    ['server.host', 'server:\n  host: ""', 'server.host', 2],
  ])('config check reports a bad %s with its line: %s', (_what, text, path, line) => {
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({ path, line });
  });

  it('accepts the documented server and resolver forms', () => {
    const config = parseConfigText(
      'server: { host: "::" }\ndns: { servers: ["127.0.0.1", "127.0.0.1:5353", "::1", "[::1]:5353", "2001:db8::53"] }\n',
      'inboxwatch.yaml',
      {},
    );
    expect(config.dns.servers).toHaveLength(5);
    expect(parseConfigText('server: { host: localhost }', 'f', {}).server.host).toBe('localhost');
    expect(parseConfigText('server: { host: 0.0.0.0 }', 'f', {}).server.host).toBe('0.0.0.0');
  });

  it('checks INBOXWATCH_DNS_SERVERS and INBOXWATCH_DATABASE as it checks the file', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'inboxwatch-env-'));
    expect(() => loadConfig({ cwd, env: { INBOXWATCH_DNS_SERVERS: '127.0.0.1:5353,resolver.example' } })).toThrow(/dns\.servers\[1\]: INBOXWATCH_DNS_SERVERS: expected a DNS server address/);
    expect(() => loadConfig({ cwd, env: { INBOXWATCH_DNS_SERVERS: '010.0.0.1' } })).toThrow(/legacy IPv4 form/);
    expect(() => loadConfig({ cwd, env: { INBOXWATCH_DATABASE: ' ' } })).toThrow(/database: INBOXWATCH_DATABASE is set but empty/);
  });
});

describe('durations and timers', () => {
  it.each([
    ['placement.timeout', 'placement: { timeout: 25d }'],
    ['placement.pollInterval', 'placement: { pollInterval: 2147483648 }'],
    ['placement.lateSweep', 'placement: { lateSweep: 30d }'],
    ['audit.policyTimeout', 'audit: { policyTimeout: 9999999h }'],
  ])('refuses %s beyond the platform timer limit', (path, text) => {
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({ path, line: 1 });
    expect(issue?.message).toMatch(/2\^31-1 ms/);
  });

  it('accepts timers up to the limit and long retention spans, and refuses durations too large to be numbers', () => {
    expect(parseConfigText('placement: { timeout: 2147483647, lateSweep: 24d }', 'f', {}).placement.timeout).toBe(2 ** 31 - 1);
    expect(parseConfigText('retention: { runs: 365d }', 'f', {}).retention.runs).toBe(365 * 86_400_000);
    expect(issuesOf(`retention: { runs: ${'9'.repeat(400)}d }`)[0]?.path).toBe('retention.runs');
    expect(issuesOf('retention: { runs: 1.5 }')[0]?.path).toBe('retention.runs');
  });
});

describe('configuration and database paths', () => {
  it('names a configuration path that is a directory', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'inboxwatch-dir-'));
    mkdirSync(join(cwd, 'conf.yaml'));
    expect(() => loadConfig({ cwd, file: 'conf.yaml', env: {} })).toThrow(`${join(cwd, 'conf.yaml')}: is a directory, not a configuration file`);
    mkdirSync(join(cwd, 'inboxwatch.yaml'));
    expect(() => loadConfig({ cwd, env: {} })).toThrow(/inboxwatch\.yaml: is a directory/);
    mkdirSync(join(cwd, 'secrets'));
    writeFileSync(join(cwd, 'ok.yaml'), '');
    expect(() => loadConfig({ cwd, file: 'ok.yaml', env: { INBOXWATCH_SECRETS_FILE: join(cwd, 'secrets') } })).toThrow(/secrets: is a directory, not a secrets file/);
  });

  it('reports an empty database path with its line', () => {
    expect(issuesOf('database: ""')[0]).toMatchObject({ path: 'database', line: 1, message: expect.stringMatching(/database file path/) });
  });
});
