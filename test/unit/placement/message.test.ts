import { describe, expect, it } from 'vitest';
import { isOurs } from '../../../src/placement/analyse.js';
import { composeMessage, isToken, messageId, mintToken, queueIdFrom, shuffle } from '../../../src/placement/message.js';

describe('tokens and messages', () => {
  it('mints recognisable tokens and per-message ids', () => {
    const token = mintToken(new Uint8Array(20).fill(7));
    expect(isToken(token)).toBe(true);
    expect(messageId(token, 'Relay-A', 3, 'example.org')).toBe(`<${token}.relay-a.3@example.org>`);
    expect(composeMessage(token, 'relay-a').text).toContain(token);
  });

  it('pulls queue ids out of 250 answers', () => {
    expect(queueIdFrom('250 2.0.0 Ok: queued as 4XyZ1k2')).toBe('4XyZ1k2');
    expect(queueIdFrom('250 2.0.0 OK  1700000000 a1-20020a5d.123 - gsmtp')).toBeDefined();
    expect(queueIdFrom('250 OK id=1q2w3e-000abc-Zz')).toBe('1q2w3e-000abc-Zz');
    expect(queueIdFrom('250 Accepted')).toBeUndefined();
  });

  it('shuffles with the given random source', () => {
    const items = [1, 2, 3, 4, 5];
    expect(shuffle(items, () => 0).sort()).toEqual(items);
    expect(shuffle(items, () => 0)).not.toEqual(items);
  });

  it('recognises our message by Message-ID and From, not a bounce quoting the token', () => {
    const expected = { messageId: '<iw-x.a.0@example.org>', fromAddress: 'news@example.org' };
    expect(isOurs({ messageId: '<IW-X.A.0@example.org>', from: 'News <news@example.org>' }, expected)).toBe(true);
    expect(isOurs({ messageId: '<bounce-1@mx.test>', from: 'MAILER-DAEMON@mx.test' }, expected)).toBe(false);
    expect(isOurs({ messageId: '<iw-x.a.0@example.org>', from: 'MAILER-DAEMON@mx.test' }, expected)).toBe(false);
  });
});
