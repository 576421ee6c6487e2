import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyFound, folderRole } from '../../../src/placement/classify.js';
import { findSpamFolder } from '../../../src/placement/folders.js';
import { detectGmailTab, gmailTab, isGmail, normaliseLabels } from '../../../src/placement/gmail.js';

interface Fixture {
  description: string;
  capabilities: string[];
  mailboxes: Array<{ path: string; delimiter: string; flags: string[]; specialUse?: string }>;
  folder: string;
  uid: number;
  labels: string[];
  searches: Record<string, number[]>;
  expected: { spamFolder: string; tab: string | null; placement: string; labels: string[] };
}

const dir = new URL('../../fixtures/gmail/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Fixture] as const);

describe('Gmail tab and label detection on recorded shapes', () => {
  it('has fixtures', () => expect(fixtures.length).toBeGreaterThanOrEqual(5));

  for (const [name, fx] of fixtures) {
    it(name, async () => {
      expect(isGmail(fx.capabilities)).toBe(true);
      const spam = findSpamFolder(
        fx.mailboxes.map((m) => ({ path: m.path, delimiter: m.delimiter, specialUse: m.specialUse, advertised: true })),
        'gmail',
      );
      expect(spam).toBe(fx.expected.spamFolder);
      const role = folderRole(fx.folder, spam);
      const asked: string[] = [];
      const tab =
        role === 'inbox'
          ? await detectGmailTab(fx.uid, async (uid, raw) => {
              asked.push(raw);
              return (fx.searches[raw] ?? []).includes(uid);
            })
          : undefined;
      if (role === 'inbox') expect(asked).toEqual(['category:primary', 'category:promotions', 'category:social', 'category:updates', 'category:forums']);
      expect(tab ?? null).toBe(fx.expected.tab);
      const labels = normaliseLabels(new Set(fx.labels));
      expect(labels).toEqual(fx.expected.labels);
      expect(classifyFound({ role, tab, labels })).toBe(fx.expected.placement);
    });
  }
});

describe('gmailTab', () => {
  it('prefers a specific tab over primary and is undefined with tabs off', () => {
    expect(gmailTab({ primary: true, social: true })).toBe('social');
    expect(gmailTab({ primary: true })).toBe('primary');
    expect(gmailTab({})).toBeUndefined();
  });
  it('recognises Gmail by X-GM-EXT-1 only', () => {
    expect(isGmail(['IMAP4rev1', 'IDLE'])).toBe(false);
    expect(isGmail(new Set(['x-gm-ext-1']))).toBe(true);
  });
});
