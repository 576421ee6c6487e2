import { describe, expect, it } from 'vitest';
import { classifyFound, folderRole, unfound } from '../../../src/placement/classify.js';

describe('classifyFound', () => {
  it('maps folders and tabs to placements', () => {
    expect(classifyFound({ role: folderRole('Junk', 'Junk') })).toBe('spam');
    expect(classifyFound({ role: folderRole('INBOX', 'Junk') })).toBe('inbox');
    expect(classifyFound({ role: folderRole('inbox', undefined) })).toBe('inbox');
    expect(classifyFound({ role: folderRole('Archive', 'Junk') })).toBe('other-folder');
    expect(classifyFound({ role: 'inbox', tab: 'promotions' })).toBe('promotions');
    expect(classifyFound({ role: 'inbox', tab: 'primary' })).toBe('inbox');
    expect(classifyFound({ role: 'inbox', labels: ['\\Spam'] })).toBe('spam');
  });
});

describe('unfound', () => {
  const now = 1_000;
  const searched = { completed: true } as const;
  it('never calls a send failure missing', () => {
    expect(unfound({ sendStatus: 'error', sendError: '550 rejected', now, deadline: 5_000 })).toEqual({ state: 'final', placement: 'send-error', error: '550 rejected' });
  });
  it('stays pending until the timeout', () => {
    expect(unfound({ sendStatus: 'sent', now, deadline: 5_000 })).toEqual({ state: 'pending' });
    expect(unfound({ sendStatus: 'sent', now: 5_000, deadline: 5_000, finalSearch: searched })).toEqual({ state: 'final', placement: 'missing' });
  });
  it('is an error, not missing, when the mailbox could not be read', () => {
    expect(unfound({ sendStatus: 'sent', now: 6_000, deadline: 5_000, seedError: { message: 'connection refused', permanent: false } })).toEqual({
      state: 'final',
      placement: 'error',
      error: 'connection refused',
    });
    expect(unfound({ sendStatus: 'sent', now, deadline: 5_000, seedError: { message: 'AUTHENTICATIONFAILED', permanent: true } })).toMatchObject({ placement: 'error' });
  });
  it('does not claim missing for a send the process never finished', () => {
    expect(unfound({ sendStatus: 'interrupted', now: 6_000, deadline: 5_000, finalSearch: searched })).toMatchObject({ placement: 'send-error' });
    expect(unfound({ sendStatus: 'pending', now: 6_000, deadline: 5_000 })).toMatchObject({ placement: 'send-error' });
  });
  it('is an error, not missing, without a completed search of every folder past the deadline', () => {
    const cases = [
      { finalSearch: undefined, why: /no search of the mailbox was made/ },
      { finalSearch: { completed: false, reason: 'no answer from the mailbox within 60s' } as const, why: /within 60s/ },
      { finalSearch: { completed: false, reason: 'IMAP connection failed: ECONNRESET' } as const, why: /ECONNRESET/ },
      { finalSearch: { completed: false, reason: 'the mailbox reader was closed' } as const, why: /closed/ },
    ];
    for (const { finalSearch, why } of cases) {
      for (const sendStatus of ['sent', 'interrupted'] as const) {
        const state = unfound({ sendStatus, now: 6_000, deadline: 5_000, finalSearch });
        expect(state).toMatchObject({ state: 'final', placement: 'error' });
        expect(state.state === 'final' && state.error).toMatch(why);
      }
    }
    // A message never sent needs no search to be a send error.
    expect(unfound({ sendStatus: 'pending', now: 6_000, deadline: 5_000 })).toMatchObject({ placement: 'send-error' });
  });
});
