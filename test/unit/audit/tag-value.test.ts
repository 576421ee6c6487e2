import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseTagValueRecord } from '../../../src/audit/tag-value.js';

// mailauth's own parser, loaded only here: the portable copy must read every record the way it does.
const mailauth = createRequire(import.meta.url)('mailauth/lib/tools.js') as {
  parseTagValueRecord(record: string, options?: { allowDuplicateKeys?: boolean }): { tags: Record<string, unknown>; errors: string[]; warnings: string[]; isValid: boolean };
};

const RECORDS = [
  'v=DMARC1; p=reject; rua=mailto:d@example.com',
  'v=DMARC1;p=quarantine;sp=none;pct=50;t=y;np=reject;psd=n',
  '  V=DMARC1 ;  P = Reject ; ',
  'v=DMARC1; p=reject; p=none',
  'v=DMARC1; p reject; adkim=s',
  'v=DMARC1; b@d=1; aspf=r',
  'v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1\n  TaCt3Y; t=y:s',
  'v=DKIM1; p=',
  'v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example.com/x',
  'v=STSv1; id=20240101T000000',
  'v=STSv1;\tid=abc\\r\\n123',
  '__proto__=x; toString=y; constructor=z',
  ';;;',
  '',
  'no tags here',
  'a=1=2; b==; c=',
];

describe('tag=value records', () => {
  for (const record of RECORDS) {
    for (const allowDuplicateKeys of [true, false]) {
      it(`reads ${JSON.stringify(record)} (duplicates ${allowDuplicateKeys ? 'allowed' : 'refused'}) as mailauth does`, () => {
        const ours = parseTagValueRecord(record, { allowDuplicateKeys });
        const theirs = mailauth.parseTagValueRecord(record, { allowDuplicateKeys });
        expect({ ...ours.tags }).toEqual({ ...theirs.tags });
        expect(ours.errors).toEqual(theirs.errors);
        expect(ours.warnings).toEqual(theirs.warnings);
        expect(ours.isValid).toBe(theirs.isValid);
      });
    }
  }

  it('keeps a tag named __proto__ as data', () => {
    const { tags } = parseTagValueRecord('__proto__=x; p=reject');
    expect(Object.keys(tags)).toEqual(['__proto__', 'p']);
    expect(tags.__proto__).toBe('x');
  });
});
