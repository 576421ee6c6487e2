import { describe, expect, it } from 'vitest';
import { findListing } from '../../../src/config/blocklist-catalogue.js';
import { decodeAnswer } from '../../../src/blocklists/decode.js';
import type { ListDefinition } from '../../../src/blocklists/types.js';

const list = (zone: string): ListDefinition => {
  const found = findListing(zone);
  if (!found) throw new Error(`${zone} not in the catalogue`);
  return found;
};

describe('decoding list answers', () => {
  it('names every Spamhaus ZEN code and tells reputation from policy listings', () => {
    const zen = list('zen.spamhaus.org');
    expect(decodeAnswer(zen, ['127.0.0.2'])).toMatchObject({ outcome: 'listed', severity: 'high', meaning: expect.stringContaining('SBL') });
    expect(decodeAnswer(zen, ['127.0.0.3'])).toMatchObject({ outcome: 'listed', meaning: expect.stringContaining('CSS') });
    for (const code of ['127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7']) {
      expect(decodeAnswer(zen, [code])).toMatchObject({ outcome: 'listed', severity: 'high', meaning: expect.stringContaining('XBL') });
    }
    expect(decodeAnswer(zen, ['127.0.0.10'])).toMatchObject({ outcome: 'listed', severity: 'info', meaning: expect.stringContaining('PBL') });
    expect(decodeAnswer(zen, ['127.0.0.11'])).toMatchObject({ outcome: 'listed', severity: 'info' });
    // PBL plus SBL is a reputation listing; the codes come back sorted numerically.
    expect(decodeAnswer(zen, ['127.0.0.11', '127.0.0.2'])).toMatchObject({ outcome: 'listed', severity: 'high', codes: ['127.0.0.2', '127.0.0.11'] });
  });

  it('never counts Spamhaus error codes as listed, even beside a listing code', () => {
    const zen = list('zen.spamhaus.org');
    expect(decodeAnswer(zen, ['127.255.255.254'])).toMatchObject({ outcome: 'error', error: expect.stringContaining('public/open resolver') });
    expect(decodeAnswer(zen, ['127.255.255.255'])).toMatchObject({ outcome: 'error', error: expect.stringContaining('excessive') });
    expect(decodeAnswer(zen, ['127.255.255.252'])).toMatchObject({ outcome: 'error', error: expect.stringContaining('typing error') });
    expect(decodeAnswer(zen, ['127.255.255.250'])).toMatchObject({ outcome: 'error', error: expect.stringContaining('DQS key') });
    expect(decodeAnswer(zen, ['127.255.255.251'])).toMatchObject({ outcome: 'error' });
    expect(decodeAnswer(zen, ['127.255.255.1'])).toMatchObject({ outcome: 'error' });
    expect(decodeAnswer(zen, ['127.0.0.2', '127.255.255.254'])).toMatchObject({ outcome: 'error' });
  });

  it('reports an IP sent to DBL as an error, and decodes DBL codes', () => {
    const dbl = list('dbl.spamhaus.org');
    expect(decodeAnswer(dbl, ['127.0.1.255'])).toMatchObject({ outcome: 'error', error: expect.stringContaining('IP address queried against a domain list') });
    expect(decodeAnswer(dbl, ['127.0.1.2'])).toMatchObject({ outcome: 'listed', meaning: 'spam domain' });
    expect(decodeAnswer(dbl, ['127.0.1.104'])).toMatchObject({ outcome: 'listed', meaning: expect.stringContaining('phishing') });
  });

  it('treats answers outside the list range as errors, not listings', () => {
    expect(decodeAnswer(list('bl.spamcop.net'), ['10.0.0.1'])).toMatchObject({ outcome: 'error', error: expect.stringContaining('outside 127.0.0.0/8') });
    expect(decodeAnswer(list('multi.surbl.org'), ['127.0.1.8'])).toMatchObject({ outcome: 'error', error: expect.stringContaining('outside 127.0.0.0/24') });
  });

  it('decodes bitmask lists bit by bit, with 127.0.0.1 as the refusal code', () => {
    const uribl = list('multi.uribl.com');
    expect(decodeAnswer(uribl, ['127.0.0.1'])).toMatchObject({ outcome: 'error', error: expect.stringContaining('refused') });
    expect(decodeAnswer(uribl, ['127.0.0.2'])).toMatchObject({ outcome: 'listed', severity: 'high', meaning: expect.stringContaining('black') });
    expect(decodeAnswer(uribl, ['127.0.0.4'])).toMatchObject({ outcome: 'listed', severity: 'info', meaning: expect.stringContaining('grey') });
    const both = decodeAnswer(uribl, ['127.0.0.6']);
    expect(both).toMatchObject({ outcome: 'listed', severity: 'high' });
    expect(both.outcome === 'listed' && both.meaning).toMatch(/black.*grey/);
    const surbl = list('multi.surbl.org');
    expect(decodeAnswer(surbl, ['127.0.0.80'])).toMatchObject({ outcome: 'listed', meaning: 'MW: malware; ABUSE: spam and abuse' });
    expect(decodeAnswer(surbl, ['127.0.0.1'])).toMatchObject({ outcome: 'error' });
  });

  it('shows an allowlist entry as a positive signal with its trust level, never as listed', () => {
    const dnswl = list('list.dnswl.org');
    expect(decodeAnswer(dnswl, ['127.0.3.3'])).toEqual({ outcome: 'allowed', codes: ['127.0.3.3'], meaning: 'allowlisted (trust: high)' });
    expect(decodeAnswer(dnswl, ['127.0.0.255'])).toMatchObject({ outcome: 'error' });
  });

  it('keeps an undocumented code inside the range as a listing, flagged as undocumented', () => {
    expect(decodeAnswer(list('zen.spamhaus.org'), ['127.0.0.77'])).toMatchObject({ outcome: 'listed', severity: 'high', meaning: 'undocumented return code 127.0.0.77' });
  });

  it('reads a reputation list level by level: bad levels are listings, middle ones neutral, good ones a positive signal', () => {
    const rep = list('rep.mailspike.net');
    for (const last of [10, 11, 12]) expect(decodeAnswer(rep, [`127.0.0.${last}`])).toMatchObject({ outcome: 'listed', severity: 'high' });
    for (const last of [13, 14, 15, 16]) expect(decodeAnswer(rep, [`127.0.0.${last}`])).toMatchObject({ outcome: 'neutral', codes: [`127.0.0.${last}`] });
    for (const last of [17, 18, 19, 20]) expect(decodeAnswer(rep, [`127.0.0.${last}`])).toMatchObject({ outcome: 'allowed' });
    // A listing code wins over a good level in the same answer, and a refusal over both.
    expect(decodeAnswer(rep, ['127.0.0.20', '127.0.0.10'])).toMatchObject({ outcome: 'listed', meaning: 'Mailspike L5: worst possible reputation' });
    expect(decodeAnswer(rep, ['127.0.0.21'])).toMatchObject({ outcome: 'listed', meaning: 'undocumented return code 127.0.0.21' });
    expect(decodeAnswer(list('bl.mailspike.net'), ['127.0.0.2'])).toMatchObject({ outcome: 'listed', meaning: expect.stringContaining('distributed spam wave') });
  });

  it('marks UCEPROTECT L2 and L3 as policy listings', () => {
    expect(decodeAnswer(list('dnsbl-2.uceprotect.net'), ['127.0.0.2'])).toMatchObject({ severity: 'info' });
    expect(decodeAnswer(list('dnsbl-3.uceprotect.net'), ['127.0.0.2'])).toMatchObject({ severity: 'info' });
    expect(decodeAnswer(list('dnsbl-1.uceprotect.net'), ['127.0.0.2'])).toMatchObject({ severity: 'high' });
  });
});
