import { describe, expect, it } from 'vitest';
import { analyse, type Observation } from '../../../src/placement/analyse.js';

// The header block as the test world's MX and Dovecot's LMTP stamp it, top first.
const headers = [
  'Return-Path: <news@bad.inboxwatch.test>',
  'Delivered-To: seed2@seeds.inboxwatch.test',
  'Received: from mx.seeds.inboxwatch.test ([127.0.0.1]) by imap.seeds.inboxwatch.test with LMTP id abc; Mon, 23 Nov 2026 17:35:02 +0000',
  'Received: from relay-bad.inboxwatch.test (relay-bad.inboxwatch.test [127.0.0.3])',
  '\tby mx.seeds.inboxwatch.test (inboxwatch test MX) with ESMTPS id 1A2B;',
  '\tMon, 23 Nov 2026 17:35:01 +0000',
  'X-Spam-Flag: YES',
  'X-Spam-Score: 7.5',
  'X-Spam-Status: Yes, score=7.5 required=5.0 tests=DMARC_FAIL',
  'Authentication-Results: mx.seeds.inboxwatch.test;',
  ' spf=fail (mx.seeds.inboxwatch.test: domain of news@bad.inboxwatch.test does not designate 127.0.0.3 as permitted sender) smtp.mailfrom=news@bad.inboxwatch.test smtp.helo=relay-bad.inboxwatch.test;',
  ' dkim=none header.d=none;',
  ' dmarc=fail (p=QUARANTINE arc=none) header.from=bad.inboxwatch.test',
  'Received: from client ([127.0.0.1]) by relay-bad.inboxwatch.test (inboxwatch test relay bad) with ESMTPA id X; Mon, 23 Nov 2026 17:35:01 +0000',
  'From: News <news@bad.inboxwatch.test>',
  'Message-ID: <iw-x.bad.1@bad.inboxwatch.test>',
  '',
  '',
].join('\r\n');

const observation: Observation = {
  seed: 'seed2@seeds.inboxwatch.test',
  folder: 'Junk',
  role: 'spam',
  uid: 7,
  messageId: '<iw-x.bad.1@bad.inboxwatch.test>',
  from: 'news@bad.inboxwatch.test',
  internalDate: Date.UTC(2026, 10, 23, 17, 35, 2),
  headers,
  labels: [],
  foldersSearched: ['Junk'],
  observedAt: Date.UTC(2026, 10, 23, 17, 35, 2, 599),
};

describe('analyse', () => {
  it('turns a found message into a verdict with its evidence', () => {
    const verdict = analyse(
      observation,
      { messageId: observation.messageId as string, fromAddress: 'news@bad.inboxwatch.test', sentAt: Date.UTC(2026, 10, 23, 17, 35, 0, 800), sendStartedAt: Date.UTC(2026, 10, 23, 17, 35, 0, 700), providerIps: ['127.0.0.3'], mailboxProvider: 'other' },
      { startedAt: 0, lateAfterMs: 900_000 },
    );
    expect(verdict).toMatchObject({
      placement: 'spam',
      folder: 'Junk',
      // Stored in the 02 second, seen within millisecond 02.599; the 250 came at 00.800.
      latencyMs: 1500,
      latencyErrorMs: 300,
      latencyLowMs: 1200,
      latencyHighMs: 1800,
      latencySource: 'internaldate',
      clockSkewMs: null,
      late: false,
      receivedAt: Date.UTC(2026, 10, 23, 17, 35, 1),
      returnPath: 'news@bad.inboxwatch.test',
      spam: { flag: true, score: 7.5, required: 5, tests: ['DMARC_FAIL'] },
    });
    expect(verdict.receiverAuth?.summary).toEqual({ spf: 'fail', dkim: 'none', dmarc: 'fail' });
    expect(verdict.receivingHop).toMatchObject({ ip: '127.0.0.3', from: 'relay-bad.inboxwatch.test', tls: true });
    expect(verdict.hops.map((h) => h.with)).toEqual(['LMTP', 'ESMTPS', 'ESMTPA']);
  });

  it('without known provider IPs still picks the SMTP hop below the LMTP delivery', () => {
    const verdict = analyse(observation, { messageId: 'x', fromAddress: 'y', sentAt: null, sendStartedAt: null, providerIps: [], mailboxProvider: 'other' }, { startedAt: 0, lateAfterMs: 1 });
    expect(verdict.receivingHop?.ip).toBe('127.0.0.3');
    expect(verdict.latencyMs).toBeNull();
  });
});
