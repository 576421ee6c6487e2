import { describe, expect, it } from 'vitest';
import { auditDkim } from '../../../src/audit/dkim.js';
import type { Check } from '../../../src/audit/types.js';
import { createMailauthToolkit } from '../../../src/node/mailauth-audit.js';
import { fakeResolver, txt } from './fake-resolver.js';
import { dkimPublicKey } from './keys.js';

const toolkit = createMailauthToolkit();
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
    // The configured selector "gone" holds only a revoked key, so the domain is missing a key its signer uses.
    expect(result.checks.find((c) => c.id === 'dkim.found')).toMatchObject({ status: 'fail', message: expect.stringContaining('gone._domainkey.example.com (revoked: empty p=)') });
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

  it('does not pass dkim.found on selectors that only revoke their keys', async () => {
    for (const revoked of ['v=DKIM1; p=', 'v=DKIM1; k=rsa; p= ', 'p=', 'v=DKIM1; k=ed25519; t=y; p=']) {
      const discovered = await auditDkim(fakeResolver({ 'TXT google._domainkey.example.com': txt(revoked), 'TXT s1._domainkey.example.com': txt(revoked) }), 'example.com', [], true, toolkit);
      expect(discovered.checks[0], revoked).toMatchObject({ id: 'dkim.found', status: 'fail', message: expect.stringContaining('only revoke their keys') });
      expect(discovered.checks[0]?.evidence.revoked).toEqual(['google', 's1']);
      const configured = await auditDkim(fakeResolver({ 'TXT s1._domainkey.example.com': txt(revoked) }), 'example.com', ['s1'], false, toolkit);
      expect(configured.checks[0]?.status, revoked).toBe('fail');
    }
    // A revoked retired selector beside a live one is fine.
    const mixed = await auditDkim(fakeResolver({ 'TXT old._domainkey.example.com': txt('v=DKIM1; p='), 'TXT new._domainkey.example.com': txt(`v=DKIM1; p=${dkimPublicKey('rsa', 2048)}`) }), 'example.com', ['new'], true, toolkit);
    expect(mixed.checks[0]).toMatchObject({ status: 'pass', message: 'DKIM keys published for selector new' });
  });

  it('reports a configured selector whose lookup failed as error even when another selector has a key', async () => {
    const live = `v=DKIM1; p=${dkimPublicKey('rsa', 2048)}`;
    for (const fault of ['timeout', 'servfail'] as const) {
      const result = await auditDkim(fakeResolver({ 'TXT s1._domainkey.example.com': fault, 'TXT google._domainkey.example.com': txt(live), 'TXT s2._domainkey.example.com': txt(live) }), 'example.com', ['s1', 's2'], true, toolkit);
      expect(result.checks[0], fault).toMatchObject({ id: 'dkim.found', status: 'error', message: expect.stringContaining('s1._domainkey.example.com') });
    }
    // A configured selector that is really missing is a fact, and outranks the unknown one.
    const missing = await auditDkim(fakeResolver({ 'TXT s1._domainkey.example.com': 'timeout' }), 'example.com', ['s1', 's2'], false, toolkit);
    expect(missing.checks[0]?.status).toBe('fail');
    // A common selector that times out during discovery does not hide the key that was found.
    const discovered = await auditDkim(fakeResolver({ 'TXT k1._domainkey.example.com': 'timeout', 'TXT s2._domainkey.example.com': txt(live) }), 'example.com', ['s2'], true, toolkit);
    expect(discovered.checks[0]?.status).toBe('pass');
  });

  it('reads a key without k= as RSA, so a bare 32-byte key needs k=ed25519', async () => {
    const ed = dkimPublicKey('ed25519');
    for (const record of [`v=DKIM1; p=${ed}`, `p=${ed}`, `v=DKIM1; t=s; p=${ed}`, `v=DKIM1; h=sha256; p=${ed}`]) {
      const result = await auditDkim(fakeResolver({ 'TXT ed._domainkey.example.com': txt(record) }), 'example.com', ['ed'], false, toolkit);
      const key = result.checks.find((c) => c.id === 'dkim.key');
      expect(key, record).toMatchObject({ status: 'fail', message: expect.stringContaining('k defaults to rsa'), evidence: { type: 'ed25519', declaredType: null } });
      expect(key?.remediation).toContain('k=ed25519');
    }
    const declared = await auditDkim(fakeResolver({ 'TXT ed._domainkey.example.com': txt(`v=DKIM1; k=ed25519; p=${ed}`) }), 'example.com', ['ed'], false, toolkit);
    expect(declared.checks.find((c) => c.id === 'dkim.key')).toMatchObject({ status: 'pass', evidence: { type: 'ed25519' } });
    const rsa = await auditDkim(fakeResolver({ 'TXT r._domainkey.example.com': txt(`v=DKIM1; p=${dkimPublicKey('rsa', 2048)}`) }), 'example.com', ['r'], false, toolkit);
    expect(rsa.checks.find((c) => c.id === 'dkim.key')).toMatchObject({ status: 'pass', evidence: { type: 'rsa', bits: 2048 } });
    const wrong = await auditDkim(fakeResolver({ 'TXT w._domainkey.example.com': txt(`v=DKIM1; k=rsa; p=${ed}`) }), 'example.com', ['w'], false, toolkit);
    expect(wrong.checks.find((c) => c.id === 'dkim.key')?.status).toBe('fail');
  });
});
