import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors.js';
import { parseConfigText } from '../../../src/config/parse.js';
import { limitsOf } from '../../../src/reports/limits.js';

function issuesOf(text: string): ConfigError {
  try {
    parseConfigText(text, 'inboxwatch.yaml', {});
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('reports configuration', () => {
  it('reads sizes with units, defaults the address to the mailbox user, and gives the job a schedule', () => {
    const config = parseConfigText(
      'reports:\n  imap: { host: imap.example.com, user: dmarc@example.com, pass: secret }\n  limits: { maxCompressed: 512KiB, maxUncompressed: 1GiB, maxRatio: 50 }\n',
      'inboxwatch.yaml',
      {},
    );
    expect(config.reports.address).toBe('dmarc@example.com');
    expect(config.reports.mailbox).toBe('INBOX');
    expect(config.reports.missingAfter).toBe(48 * 3_600_000);
    expect(limitsOf(config.reports)).toEqual({ maxCompressedBytes: 512 * 1024, maxUncompressedBytes: 1024 ** 3, maxRatio: 50 });
    expect(config.schedules.reports).toBe('*/15 * * * *');
  });

  it('names the file, line and key of a bad value', () => {
    const error = issuesOf('reports:\n  limits:\n    maxCompressed: lots\n');
    expect(error.issues).toContainEqual(expect.objectContaining({ path: 'reports.limits.maxCompressed', line: 3, message: 'expected a size such as 20MiB, got "lots"' }));
    const noSecret = issuesOf('reports:\n  imap: { host: imap.example.com, user: dmarc@example.com }\n');
    expect(noSecret.issues).toContainEqual(expect.objectContaining({ path: 'reports.imap', message: 'needs either pass or oauth2' }));
    expect(issuesOf('reports:\n  address: not-an-address\n').issues[0]?.path).toBe('reports.address');
  });
});
