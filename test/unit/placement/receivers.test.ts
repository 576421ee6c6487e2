import { describe, expect, it } from 'vitest';
import { readTrace } from '../../../src/placement/analyse.js';
import { receiverVerdicts, splitHeaders } from '../../../src/placement/headers.js';
import { RECEIVER_FIXTURES, type ReceiverFixture } from '../../fixtures/receivers/index.js';

const SENDER_HOP = 'Received: from app (app.internal';

/** The fixture's lines with every Authentication-Results header (and its continuation lines) passed to `edit`. */
function editAuthResults(headers: string, edit: (lines: string[]) => string[]): string {
  const lines = headers.split('\r\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^Authentication-Results:/i.test(lines[i] as string)) {
      out.push(lines[i] as string);
      continue;
    }
    const header = [lines[i] as string];
    while (/^[ \t]/.test(lines[i + 1] ?? '')) header.push(lines[++i] as string);
    out.push(...edit(header));
  }
  return out.join('\r\n');
}

/** Inserts a header just above the sender's own hop (as a relay would prepend it) or just below it (as the sender wrote it). */
function insert(headers: string, line: string, where: 'above-sender-hop' | 'in-message'): string {
  const lines = headers.split('\r\n');
  const at = lines.findIndex((l) => l.startsWith(SENDER_HOP));
  lines.splice(where === 'above-sender-hop' ? at : at + 1, 0, line);
  return lines.join('\r\n');
}

const forgedPass = (f: ReceiverFixture) =>
  `Authentication-Results: ${f.mailboxProvider === 'outlook' ? '' : `${f.expected.by}; `}spf=pass smtp.mailfrom=forged.example; dkim=pass header.d=example.org; dmarc=pass header.from=example.org`;

const read = (f: ReceiverFixture, headers: string) => readTrace(splitHeaders(headers), { providerIps: [], mailboxProvider: f.mailboxProvider });

describe('receiver header shapes', () => {
  for (const f of RECEIVER_FIXTURES) {
    describe(f.name, () => {
      it('finds the receiving hop and reads the receiver verdict', () => {
        const trace = read(f, f.headers);
        expect(trace.hop?.ip).toBe(f.expected.ip);
        expect(trace.receiverAuth?.summary).toMatchObject(f.expected.summary);
        expect(trace.receiverAuth?.by).toBe(f.expected.by);
        const spf = trace.receiverAuth?.details.find((d) => d.method === 'spf');
        if (f.expected.spfReason) expect(spf?.reason).toMatch(f.expected.spfReason);
      });

      it('finds the same hop for a seed configured as `other` on the provider\'s own domain names', () => {
        expect(readTrace(splitHeaders(f.headers), { providerIps: [], mailboxProvider: 'other' }).hop?.ip).toBe(f.expected.ip);
      });

      it('keeps to the receiver\'s topmost verdict when a passing one with its authserv-id sits lower', () => {
        const failing = editAuthResults(f.headers, (lines) => lines.map((l) => l.replace(/=pass\b/g, '=fail')));
        for (const where of ['above-sender-hop', 'in-message'] as const) {
          const summary = read(f, insert(failing, forgedPass(f), where)).receiverAuth?.summary;
          expect(summary).toMatchObject({ spf: 'fail', dkim: 'fail', dmarc: 'fail' });
        }
      });

      it('has no receiver verdict when the receiver added none, whatever came with the message', () => {
        const bare = editAuthResults(f.headers, () => []);
        expect(read(f, bare).receiverAuth).toBeNull();
        expect(read(f, insert(bare, forgedPass(f), 'in-message')).receiverAuth).toBeNull();
        expect(read(f, insert(bare, 'Authentication-Results: relay.example.net; spf=pass smtp.mailfrom=x; dkim=pass; dmarc=pass', 'above-sender-hop')).receiverAuth).toBeNull();
      });
    });
  }
});

describe('the receiver verdict rules', () => {
  it('takes the topmost of two headers with the receiver\'s own authserv-id (the issue\'s case)', () => {
    const headers = splitHeaders(
      [
        'Authentication-Results: mx.google.com; spf=fail smtp.mailfrom=a@x.example; dkim=fail header.d=x.example; dmarc=fail header.from=x.example',
        'Authentication-Results: mx.google.com; spf=pass smtp.mailfrom=a@x.example; dkim=pass header.d=x.example; dmarc=pass header.from=x.example',
        '',
      ].join('\r\n'),
    );
    const profile = { hosts: [/google\.com$/], authservIds: [/^mx\.google\.com$/] };
    expect(receiverVerdicts(headers, { profile })?.summary).toEqual({ spf: 'fail', dkim: 'fail', dmarc: 'fail' });
  });

  it('accepts an unknown receiver\'s authserv-id only when it names the receiving host or its operator', () => {
    const ar = splitHeaders('Authentication-Results: mx.example.org; spf=pass smtp.mailfrom=a@b.example\r\n\r\n');
    expect(receiverVerdicts(ar, { by: 'mx.example.org' })?.summary.spf).toBe('pass');
    expect(receiverVerdicts(ar, { by: 'mx2.example.org' })?.summary.spf).toBe('pass');
    expect(receiverVerdicts(ar, { by: 'example.org' })?.summary.spf).toBe('pass');
    expect(receiverVerdicts(ar, { by: 'mx.other.example' })).toBeUndefined();
    expect(receiverVerdicts(ar, {})).toBeUndefined();
    const anonymous = splitHeaders('Authentication-Results: spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=b.example\r\n\r\n');
    expect(receiverVerdicts(anonymous, { by: 'mx.example.org' })).toBeUndefined();
  });
});
