import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors.js';
import { parseConfigText } from '../../../src/config/parse.js';
import { loadConfig } from '../../../src/node/config-file.js';

const FULL = `server: { host: 127.0.0.1, port: 8080, tokens: [{ name: admin, token: "\${INBOXWATCH_ADMIN_TOKEN}", role: admin }] }
database: ./data/inboxwatch.db
dns: { servers: ["127.0.0.1:5353"], timeoutMs: 2000, tries: 2 }
providers:
  - name: acme-esp
    smtp: { host: smtp.example.net, port: 587, secure: false, user: acme, pass: "\${ACME_SMTP_PASS}" }
    from: news@acme.example
    dkim: { domain: acme.example, selector: s1, privateKeyFile: ./keys/s1.pem }
    ips: [192.0.2.20]
seeds:
  - address: seed1@gmail.com
    mailboxProvider: gmail
    imap: { host: imap.gmail.com, port: 993, secure: true, user: seed1@gmail.com, pass: "\${SEED1_PASS}" }
domains: [{ name: acme.example, dkimSelectors: [s1] }]
blocklists: { ips: ["192.0.2.0/28"], domains: [acme.example] }
placement: { timeout: 10m }
schedules: { placement: "0 */6 * * *", audit: "15 * * * *", blocklists: "*/30 * * * *" }
`;

const ENV = { INBOXWATCH_ADMIN_TOKEN: 'admin-token-0123456789', ACME_SMTP_PASS: 'smtp-secret-value', SEED1_PASS: 'imap-secret-value' };

function issuesOf(text: string, env: Record<string, string> = ENV): ConfigError {
  try {
    parseConfigText(text, 'inboxwatch.yaml', env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('accepts the documented shape and substitutes secrets from the environment', () => {
    const config = parseConfigText(FULL, 'inboxwatch.yaml', ENV);
    expect(config.providers[0]?.smtp.pass).toBe('smtp-secret-value');
    expect(config.placement.timeout).toBe(600_000);
    expect(config.placement.lateAfter).toBe(600_000);
    expect(config.server.tokens[0]?.role).toBe('admin');
  });

  it('treats an empty file as a valid configuration with defaults', () => {
    const config = parseConfigText('', 'inboxwatch.yaml', {});
    expect(config.providers).toEqual([]);
    expect(config.server.port).toBe(8080);
    expect(config.dns.servers).toEqual([]);
  });

  it('reports a YAML syntax error with its line', () => {
    const error = issuesOf('server:\n  port: 8080\n  host: [oops\n');
    expect(error.issues[0]?.message).toMatch(/^YAML syntax/);
    expect(error.issues[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('reports a wrong type with file, line and key path', () => {
    const error = issuesOf(FULL.replace('port: 587', 'port: "x587"'));
    expect(error.message).toContain('inboxwatch.yaml:6:');
    expect(error.issues).toContainEqual(expect.objectContaining({ path: 'providers[0].smtp.port', message: 'expected a number', line: 6 }));
  });

  it('reports a missing environment variable with its line and never the other secrets', () => {
    const { SEED1_PASS: _unset, ...env } = ENV;
    const error = issuesOf(FULL, env);
    expect(error.issues).toEqual([expect.objectContaining({ path: 'seeds[0].imap.pass', line: 13 })]);
    expect(error.message).toContain('${SEED1_PASS} is not set');
    expect(error.message).not.toContain('smtp-secret-value');
    expect(error.message).not.toContain('admin-token-0123456789');
  });

  it('names unknown keys at their own line', () => {
    const error = issuesOf(FULL.replace('    ips: [192.0.2.20]\n', '    ips: [192.0.2.20]\n    colour: blue\n'));
    expect(error.issues).toContainEqual(expect.objectContaining({ path: 'providers[0]', message: 'unknown key "colour"', line: 10 }));
  });

  it('rejects a reference to an unknown provider', () => {
    const error = issuesOf(FULL.replace('placement: { timeout: 10m }', 'placement: { timeout: 10m, providers: [nope] }'));
    expect(error.issues).toContainEqual(expect.objectContaining({ path: 'placement.providers[0]', message: 'unknown provider "nope"' }));
  });

  it('rejects bad CIDR ranges, cron expressions and durations', () => {
    const error = issuesOf(
      FULL.replace('192.0.2.0/28', '192.0.2.0/33').replace('"15 * * * *"', '"every hour"').replace('timeout: 10m', 'timeout: soon'),
    );
    const paths = error.issues.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['blocklists.ips[0]', 'schedules.audit', 'placement.timeout']));
  });

  it('keeps numbers numeric when a whole value comes from the environment', () => {
    const config = parseConfigText('server: { port: "${PORT}" }\n', 'x.yaml', { PORT: '9090' });
    expect(config.server.port).toBe(9090);
  });

  it('reads $$ as a literal dollar sign', () => {
    const config = parseConfigText('providers: [{ name: p, from: a@b.example, smtp: { host: h, pass: "pa$$word" } }]\n', 'x.yaml', {});
    expect(config.providers[0]?.smtp.pass).toBe('pa$word');
  });

  it('finds the file from --config, then INBOXWATCH_CONFIG, and resolves paths against it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iw-config-'));
    writeFileSync(join(dir, 'custom.yaml'), 'database: db/x.db\n');
    const byEnv = loadConfig({ cwd: '/', env: { INBOXWATCH_CONFIG: join(dir, 'custom.yaml') } });
    expect(byEnv.config.database).toBe(join(dir, 'db/x.db'));
    expect(() => loadConfig({ file: join(dir, 'absent.yaml'), env: {} })).toThrow(/file not found/);
    const none = loadConfig({ cwd: dir, env: {} });
    expect(none.file).toBeUndefined();
  });

  it('lets INBOXWATCH_DNS_SERVERS override the file and reads secrets from INBOXWATCH_SECRETS_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iw-config-'));
    writeFileSync(join(dir, 'inboxwatch.yaml'), 'server: { tokens: [{ name: a, token: "${TOKEN}" }] }\n');
    writeFileSync(join(dir, 'secrets.env'), 'TOKEN=from-the-secrets-file-123\n');
    const { config } = loadConfig({ cwd: dir, env: { INBOXWATCH_DNS_SERVERS: '127.0.0.1:5353, 127.0.0.2', INBOXWATCH_SECRETS_FILE: join(dir, 'secrets.env') } });
    expect(config.dns.servers).toEqual(['127.0.0.1:5353', '127.0.0.2']);
    expect(config.server.tokens[0]?.token).toBe('from-the-secrets-file-123');
  });
});
