import { describe, expect, it } from 'vitest';
import { findSpamFolder, foldersToSearch } from '../../../src/placement/folders.js';

const boxes = (...paths: string[]) => paths.map((path) => ({ path, delimiter: '/' }));

describe('findSpamFolder', () => {
  it('prefers a configured name, then the advertised \\Junk folder', () => {
    expect(findSpamFolder([...boxes('INBOX', 'Junk'), { path: 'Quarantine', specialUse: '\\Junk', advertised: true }], 'other', 'junk')).toBe('Junk');
    expect(findSpamFolder([...boxes('INBOX', 'Spam'), { path: 'Quarantine', specialUse: '\\Junk', advertised: true }], 'other')).toBe('Quarantine');
  });
  it('ignores a special-use guessed from the name when looking for the advertised one', () => {
    expect(findSpamFolder([{ path: 'Junk', specialUse: '\\Junk', advertised: false }, ...boxes('INBOX', 'Junk Email')], 'outlook')).toBe('Junk Email');
  });
  it('knows Exchange Online, Yahoo and Gmail names', () => {
    expect(findSpamFolder(boxes('INBOX', 'Junk Email', 'Deleted Items'), 'outlook')).toBe('Junk Email');
    expect(findSpamFolder(boxes('Inbox', 'Bulk', 'Draft'), 'yahoo')).toBe('Bulk');
    expect(findSpamFolder(boxes('INBOX', 'Bulk Mail'), 'yahoo')).toBe('Bulk Mail');
    expect(findSpamFolder(boxes('INBOX', '[Gmail]/Spam'), 'gmail')).toBe('[Gmail]/Spam');
  });
  it('finds localised names and nested paths', () => {
    expect(findSpamFolder(boxes('INBOX', 'Courrier indésirable'), 'other')).toBe('Courrier indésirable');
    expect(findSpamFolder([{ path: 'INBOX.Junk-E-Mail', delimiter: '.' }, { path: 'INBOX', delimiter: '.' }], 'other')).toBe('INBOX.Junk-E-Mail');
  });
  it('returns undefined when none is recognisable or the configured one is absent', () => {
    expect(findSpamFolder(boxes('INBOX', 'Archive'), 'other')).toBeUndefined();
    expect(findSpamFolder(boxes('INBOX', 'Junk'), 'other', 'Nope')).toBeUndefined();
  });
});

describe('foldersToSearch', () => {
  it('searches spam first, then INBOX, then extras, each once', () => {
    expect(foldersToSearch('Junk', ['Archive', 'INBOX', 'Junk'])).toEqual(['Junk', 'INBOX', 'Archive']);
    expect(foldersToSearch(undefined, [])).toEqual(['INBOX']);
  });
});
