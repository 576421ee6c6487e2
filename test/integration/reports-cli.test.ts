import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { aggregateXml, billionLaughs, gzip, tlsReportJson, zip, zipBomb } from '../support/reports.js';
import { world } from '../world/context.js';

interface Entry {
  file: string;
  status: string;
  kind: string | null;
  org: string | null;
  reportId: string | null;
  domain: string | null;
  begin: string | null;
  end: string | null;
  records: number | null;
  messages: number | null;
  error: string | null;
}

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'iw-reports-cli-'));
  writeFileSync(join(dir, 'inboxwatch.yaml'), `database: ${join(dir, 'inboxwatch.db')}\n`);
  const file = (name: string, bytes: Uint8Array | string) => {
    writeFileSync(join(dir, name), bytes);
    return name;
  };
  return { dir, file };
}

const env = { INBOXWATCH_DNS_SERVERS: world().dns.server };
const report = aggregateXml({
  form: 'rfc9990',
  reportId: '<cli-1@example.net>',
  records: [
    { ip: '203.0.113.7', count: 40 },
    { ip: '203.0.113.9', count: 2, dkim: 'fail', spf: 'fail' },
  ],
});

describe('inboxwatch reports import', () => {
  it('prints one JSON entry per report in the documented shape and exits 0 when nothing was rejected', async () => {
    const { dir, file } = workspace();
    const files = [file('a.xml.gz', gzip(report)), file('tls.json', tlsReportJson()), file('a-again.zip', zip('a.xml', report))];
    const result = await runCli(['reports', 'import', ...files, '--json'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { files: entries } = JSON.parse(result.stdout) as { files: Entry[] };
    expect(Object.keys(entries[0] ?? {})).toEqual(['file', 'status', 'kind', 'org', 'reportId', 'domain', 'begin', 'end', 'records', 'messages', 'error']);
    expect(entries).toEqual([
      { file: 'a.xml.gz', status: 'stored', kind: 'aggregate', org: 'example.net', reportId: 'cli-1@example.net', domain: 'reports.test', begin: '2026-01-01T00:00:00.000Z', end: '2026-01-01T23:59:59.000Z', records: 2, messages: 42, error: null },
      { file: 'tls.json', status: 'stored', kind: 'tls', org: 'Example TLS Reporter', reportId: '2026-01-01T00:00:00Z_reports.test', domain: 'reports.test', begin: '2026-01-01T00:00:00.000Z', end: '2026-01-01T23:59:59.000Z', records: 1, messages: 123, error: null },
      { file: 'a-again.zip', status: 'duplicate', kind: 'aggregate', org: 'example.net', reportId: 'cli-1@example.net', domain: 'reports.test', begin: '2026-01-01T00:00:00.000Z', end: '2026-01-01T23:59:59.000Z', records: 2, messages: 42, error: null },
    ]);
  });

  it('rejects a zip bomb, a billion-laughs file and a missing file with the reason, and exits 1', async () => {
    const { dir, file } = workspace();
    const files = [file('bomb.zip', zipBomb(16)), file('laughs.xml', billionLaughs()), 'missing.xml', file('ok.xml', report)];
    const result = await runCli(['reports', 'import', ...files, '--json'], { cwd: dir, env });
    expect(result.code).toBe(1);
    const { files: entries } = JSON.parse(result.stdout) as { files: Entry[] };
    expect(entries.map((e) => [e.file, e.status])).toEqual([['bomb.zip', 'rejected'], ['laughs.xml', 'rejected'], ['missing.xml', 'rejected'], ['ok.xml', 'stored']]);
    expect(entries[0]?.error).toMatch(/decompression bomb/);
    expect(entries[1]?.error).toMatch(/entity declarations/);
    expect(entries[2]?.error).toBe('no such file');
  });

  it('prints a line per file for people', async () => {
    const { dir, file } = workspace();
    const result = await runCli(['reports', 'import', file('a.xml', report), file('junk.txt', 'hello')], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      'a.xml: stored: aggregate report cli-1@example.net from example.net for reports.test, 2026-01-01T00:00:00.000Z to 2026-01-01T23:59:59.000Z: 2 records, 42 messages\n' +
        'junk.txt: rejected: not a report: expected gzip, zip, XML or JSON content\n' +
        '1 stored, 0 duplicate, 1 rejected\n',
    );
  });
});

describe('the report folder', () => {
  it('takes in new files on each scheduled run and skips those it has seen', async () => {
    const { dir, file } = workspace();
    const { mkdirSync, writeFileSync: write } = await import('node:fs');
    const folder = join(dir, 'incoming');
    mkdirSync(folder);
    write(join(folder, 'a.xml.gz'), gzip(report));
    write(join(folder, 'tls.json'), tlsReportJson());
    write(join(folder, 'junk.bin'), new Uint8Array([1, 2, 3]));
    file('inboxwatch.yaml', `database: ${join(dir, 'inboxwatch.db')}\nreports:\n  folder: ${folder}\n`);
    const first = await runCli(['run', 'reports', '--json'], { cwd: dir, env });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ run: { status: 'ok', summary: '2 reports stored, 0 duplicates, 1 rejected' } });
    write(join(folder, 'b.zip'), zip('b.xml', report));
    const second = await runCli(['run', 'reports', '--json'], { cwd: dir, env });
    expect(JSON.parse(second.stdout)).toMatchObject({ run: { status: 'ok', summary: '0 reports stored, 1 duplicates, 0 rejected' } });
  });
});
