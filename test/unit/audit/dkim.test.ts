import { describe, expect, it } from 'vitest';
import { auditDkim } from '../../../src/audit/dkim.js';
import type { Check } from '../../../src/audit/types.js';
import { createMailauthToolkit } from '../../../src/node/mailauth-audit.js';
import { fakeResolver, txt } from './fake-resolver.js';
import { dkimPublicKey } from './keys.js';

const keys = (checks: Check[]) => checks.filter((c) => c.id === 'dkim.key').map((c) => [c.subject, c.status]);

describe('auditDkim', () => {
  it('judges key sizes and types per selector', async () => {
    const resolver = fakeResolver({
      'TXT big._domainkey.example.com': txt(`v=DKIM1; k=rsa; p=${dkimPublicKey('rsa', 2048)}`),
      'TXT mid._domainkey.example.com': txt(`v=DKIM1; k=rsa; p=${dkimPublicKey('rsa', 1024)}`),
      'TXT small._domainkey.example.com': txt(`v=DKIM1; p=${dkimPublicKey('rsa', 512)}`),
      'TXT ed._domainkey.example.com': txt(`v=DKIM1; k=ed25519; p=${dkimPublicKey('ed25519')}`),
      'TXT gone._domainkey.example.com': txt('v=DKIM1; p='),
      'TXT junk._domainkey.example.com': txt('v=DKIM1; p=not*base64!'),
    });
    const result = await auditDkim(resolver, 'example.com', ['big', 'mid', 'small', 'ed', 'gone', 'junk'], false, createMailauthToolkit());
    expect(keys(result.checks)).toEqual([
      ['big', 'pass'],
      ['mid', 'warn'],
      ['small', 'fail'],
      ['ed', 'pass'],
      ['gone', 'fail'],
      ['junk', 'fail'],
    ]);
    expect(result.checks.find((c) => c.subject === 'mid')?.evidence.bits).toBe(1024);
    expect(result.checks.find((c) => c.id === 'dkim.found')?.status).toBe('pass');
  });

  it('discovers common selectors, warns on t=y, fails a configured selector without a key', async () => {
    const resolver = fakeResolver({ 'TXT google._domainkey.example.com': txt(`v=DKIM1; t=y; p=${dkimPublicKey('rsa', 2048)}`) });
    const result = await auditDkim(resolver, 'example.com', ['s2048'], true, createMailauthToolkit());
    expect(result.checks.find((c) => c.id === 'dkim.found')).toMatchObject({ status: 'fail' });
    expect(result.checks.find((c) => c.id === 'dkim.testing')?.status).toBe('warn');
    expect(keys(result.checks)).toEqual([['google', 'pass']]);
    // Every selector tried is snapshotted, so a key that disappears later is seen as removed.
    expect(Object.keys(result.records)).toHaveLength(25);
    expect(result.records['dkim:s2048']).toEqual({ name: 's2048._domainkey.example.com', records: [] });
    expect(result.records['dkim:google']?.records).toHaveLength(1);
  });

  it('fails when nothing is found and errors when lookups failed', async () => {
    expect((await auditDkim(fakeResolver({}), 'example.com', [], true, createMailauthToolkit())).checks[0]?.status).toBe('fail');
    expect((await auditDkim(fakeResolver({ 'TXT s1._domainkey.example.com': 'timeout' }), 'example.com', ['s1'], false, createMailauthToolkit())).checks[0]?.status).toBe('error');
  });
});
