import { describe, expect, it } from 'vitest';
import {
  parseAuthenticationResults,
  parseReceived,
  receivedDate,
  parseSpamIndicators,
  receiverVerdicts,
  receivingHop,
  parseHops,
  splitHeaders,
  authWord,
} from '../../../src/placement/headers.js';
import { readTrace } from '../../../src/placement/analyse.js';

const gmailBlock = [
  'Delivered-To: seed@gmail.com',
  'Received: by 2002:a05:6a10:2f0f:b0:5b1:1c2b:6b3e with SMTP id r15csp1234567pxb;',
  '        Mon, 23 Nov 2026 09:14:03 -0800 (PST)',
  'ARC-Authentication-Results: i=1; mx.google.com;',
  '       dkim=pass header.i=@example.org header.s=s1 header.b=AbCdEf;',
  'Authentication-Results: mx.google.com;',
  '       dkim=pass header.i=@example.org header.s=s1 header.b=AbCdEf;',
  '       spf=pass (google.com: domain of bounce@mail.example.org designates 203.0.113.9 as permitted sender) smtp.mailfrom=bounce@mail.example.org;',
  '       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.org',
  'Return-Path: <bounce@mail.example.org>',
  'Received: from relay.example.net (relay.example.net. [203.0.113.9])',
  '        by mx.google.com with ESMTPS id t5si123.2026.11.23.09.14.02',
  '        for <seed@gmail.com>',
  '        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);',
  '        Mon, 23 Nov 2026 09:14:02 -0800 (PST)',
  'Authentication-Results: forged.example; spf=pass smtp.mailfrom=evil.example',
  'Received: from app (app.internal [10.0.0.5]) by relay.example.net with ESMTP id 4Xyz; Mon, 23 Nov 2026 17:14:01 +0000',
  'From: News <news@example.org>',
  'Message-ID: <iw-abc.prov.0@example.org>',
  'X-Inboxwatch-Test: iw-abc',
  '',
  'body here',
].join('\r\n');

describe('splitHeaders', () => {
  it('unfolds continuation lines, keeps order, stops at the body', () => {
    const headers = splitHeaders(gmailBlock);
    expect(headers[0]).toEqual({ name: 'delivered-to', value: 'seed@gmail.com' });
    expect(headers.filter((h) => h.name === 'received')).toHaveLength(3);
    expect(headers.at(-1)).toEqual({ name: 'x-inboxwatch-test', value: 'iw-abc' });
    expect(headers.some((h) => h.value.includes('body here'))).toBe(false);
  });
});

describe('Authentication-Results', () => {
  it('parses methods, results, properties and skips comments', () => {
    const ar = parseAuthenticationResults(
      'mx.example.com 1; spf=softfail (sender not permitted) smtp.mailfrom="a@b.example"; dkim=fail reason="signature did not verify" header.d=b.example header.s=sel; arc=none',
    );
    expect(ar.authservId).toBe('mx.example.com');
    expect(ar.results).toEqual([
      { method: 'spf', result: 'softfail', comments: ['sender not permitted'], props: { 'smtp.mailfrom': 'a@b.example' } },
      { method: 'dkim', result: 'fail', reason: 'signature did not verify', props: { 'header.d': 'b.example', 'header.s': 'sel' } },
      { method: 'arc', result: 'none', props: {} },
    ]);
  });

  it('treats a bare "none" as no results', () => {
    expect(parseAuthenticationResults('mx.example; none').results).toEqual([]);
  });

  it('takes the receiver verdicts from the topmost header and its authserv-id only', () => {
    const verdicts = readTrace(splitHeaders(gmailBlock), { providerIps: [], mailboxProvider: 'gmail' }).receiverAuth;
    expect(verdicts?.by).toBe('mx.google.com');
    expect(verdicts?.summary).toEqual({ spf: 'pass', dkim: 'pass', dmarc: 'pass' });
    expect(verdicts?.details).toContainEqual({ method: 'spf', result: 'pass', domain: 'mail.example.org' });
    expect(verdicts?.details).toContainEqual({ method: 'dkim', result: 'pass', domain: 'example.org', selector: 's1' });
    expect(verdicts?.details).toContainEqual({ method: 'dmarc', result: 'pass', domain: 'example.org' });
    expect(verdicts?.details.some((d) => d.domain === 'evil.example')).toBe(false);
  });

  it('reports a DMARC failure and keeps the passing DKIM signature', () => {
    const headers = splitHeaders(
      'Authentication-Results: mx.test; dkim=fail header.d=other.example; dkim=pass header.d=third.example; spf=fail smtp.mailfrom=x@bad.example; dmarc=fail header.from=brand.example\r\n\r\n',
    );
    expect(receiverVerdicts(headers, { by: 'mx.test' })?.summary).toEqual({ spf: 'fail', dkim: 'pass', dmarc: 'fail' });
  });

  it('normalises result words', () => {
    expect(authWord('HardFail')).toBe('fail');
    expect(authWord('bestguesspass')).toBe('none');
    expect(authWord(undefined)).toBe('none');
    expect(authWord('TempError')).toBe('temperror');
  });

  it('is undefined without any Authentication-Results', () => {
    expect(receiverVerdicts(splitHeaders('From: a@b\r\n\r\n'))).toBeUndefined();
  });
});

describe('Received', () => {
  it('parses the connecting IP, protocol, TLS and date', () => {
    const hop = parseReceived(
      'from relay.example.net (relay.example.net. [203.0.113.9]) by mx.google.com with ESMTPS id t5si for <seed@gmail.com> (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256); Mon, 23 Nov 2026 09:14:02 -0800 (PST)',
    );
    expect(hop).toEqual({
      from: 'relay.example.net',
      ip: '203.0.113.9',
      by: 'mx.google.com',
      with: 'ESMTPS',
      tls: true,
      tlsVersion: 'TLS1_3',
      at: Date.UTC(2026, 10, 23, 17, 14, 2),
      atResolutionMs: 1000,
    });
  });

  it('keeps how finely the date was written', () => {
    const t = Date.UTC(2026, 10, 23, 17, 14, 1);
    expect(receivedDate(' Mon, 23 Nov 2026 17:14:01 +0000')).toEqual({ at: t, resolutionMs: 1000 });
    expect(receivedDate(' Mon, 23 Nov 2026 17:14:01.234 +0000')).toEqual({ at: t + 234, resolutionMs: 1 });
    expect(receivedDate(' Mon, 23 Nov 2026 17:14:01.5 +0000 (UTC)')).toEqual({ at: t + 500, resolutionMs: 100 });
    expect(receivedDate(' Mon, 23 Nov 2026 17:14:01.234567 +0000')).toEqual({ at: t + 234, resolutionMs: 1 });
    expect(receivedDate(' 23 Nov 2026 17:14 +0000')).toEqual({ at: t - 1000, resolutionMs: 60_000 });
    expect(receivedDate(' yesterday')).toBeUndefined();
    expect(parseReceived('from a ([10.0.0.5]) by b with ESMTP id 1; Mon, 23 Nov 2026 17:14:01.250 +0000')).toMatchObject({ at: t + 250, atResolutionMs: 1 });
  });

  it('says no TLS for plain ESMTP and nothing for LMTP without a statement', () => {
    expect(parseReceived('from a ([10.0.0.5]) by b with ESMTP id 1; Mon, 23 Nov 2026 17:14:01 +0000').tls).toBe(false);
    expect(parseReceived('from mx.test ([127.0.0.1]) by dovecot with LMTP id x; Mon, 23 Nov 2026 17:14:01 +0000').tls).toBe(false);
    expect(parseReceived('by 2002:a05:6a10 with SMTP id r15csp;  Mon, 23 Nov 2026 09:14:03 -0800 (PST)').ip).toBeUndefined();
  });

  it('parses IPv6 literals', () => {
    expect(parseReceived('from x (x [IPv6:2001:db8::1]) by y with ESMTPSA; Mon, 23 Nov 2026 17:14:01 +0000')).toMatchObject({ ip: '2001:db8::1', tls: true });
  });

  it('picks the receiving hop: a provider IP first, else the topmost SMTP hop from somewhere', () => {
    const hops = parseHops(splitHeaders(gmailBlock));
    expect(receivingHop(hops)?.ip).toBe('203.0.113.9');
    expect(receivingHop(hops, ['10.0.0.5'])?.ip).toBe('10.0.0.5');
    const lmtp = parseHops(
      splitHeaders(
        'Received: from mx.test ([127.0.0.1]) by dovecot with LMTP id x; Mon, 23 Nov 2026 17:14:01 +0000\r\nReceived: from relay (relay [127.0.0.2]) by mx.test with ESMTP; Mon, 23 Nov 2026 17:14:01 +0000\r\n\r\n',
      ),
    );
    expect(receivingHop(lmtp)?.ip).toBe('127.0.0.2');
  });
});

describe('spam indicators', () => {
  it('reads SpamAssassin headers', () => {
    const spam = parseSpamIndicators(
      splitHeaders(
        'X-Spam-Flag: YES\r\nX-Spam-Status: Yes, score=7.3 required=5.0 tests=DKIM_INVALID,\r\n\tHTML_MESSAGE,SPF_FAIL autolearn=no\r\nX-Spam-Report: * 3.0 SPF_FAIL\r\n\r\n',
      ),
    );
    expect(spam).toMatchObject({ flag: true, score: 7.3, required: 5, tests: ['DKIM_INVALID', 'HTML_MESSAGE', 'SPF_FAIL'], report: '* 3.0 SPF_FAIL' });
  });

  it('reads Exchange Online headers', () => {
    const spam = parseSpamIndicators(
      splitHeaders(
        'X-MS-Exchange-Organization-SCL: 5\r\nX-Microsoft-Antispam: BCL:7;\r\nX-Forefront-Antispam-Report: CIP:203.0.113.9;CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:relay;\r\n\r\n',
      ),
    );
    expect(spam).toMatchObject({ scl: 5, bcl: 7, sfv: 'SPM' });
    expect(Object.keys(spam.headers)).toEqual(['x-ms-exchange-organization-scl', 'x-microsoft-antispam', 'x-forefront-antispam-report']);
  });

  it('says nothing when the receiver added nothing', () => {
    expect(parseSpamIndicators(splitHeaders('From: a@b\r\n\r\n'))).toEqual({ headers: {} });
  });

  it('reads a NO flag as false', () => {
    expect(parseSpamIndicators(splitHeaders('X-Spam-Flag: NO\r\nX-Spam-Score: -0.1\r\n\r\n'))).toMatchObject({ flag: false, score: -0.1 });
  });
});
