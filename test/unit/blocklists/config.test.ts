import { describe, expect, it } from 'vitest';
import { defaultZones } from '../../../src/config/blocklist-catalogue.js';
import { selectLists, UnknownZoneError } from '../../../src/blocklists/lists.js';
import { parseConfigText } from '../../../src/config/parse.js';
import { ConfigError } from '../../../src/config/errors.js';

const parse = (yaml: string) => parseConfigText(yaml, 'inboxwatch.yaml', {});

describe('blocklists configuration', () => {
  it('uses the public catalogue by default, adding keyed lists only when their key is set', () => {
    const zones = selectLists(parse('').blocklists).map((l) => l.definition.zone);
    expect(zones).toEqual(defaultZones({}));
    expect(zones).toContain('zen.spamhaus.org');
    expect(zones).not.toContain('zrd.spamhaus.org');
    expect(zones).not.toContain('combined.mail.abusix.zone');
    // Mailspike's blocklist by default; its reputation zone only when asked for, since the first holds its bad levels.
    expect(zones).toContain('bl.mailspike.net');
    expect(zones).not.toContain('rep.mailspike.net');
    expect(selectLists(parse('blocklists:\n  zones: [rep.mailspike.net]\n').blocklists).map((l) => l.definition.zone)).toEqual(['rep.mailspike.net']);
    const keyed = selectLists(parse('blocklists:\n  dqsKey: abcdefghijklmnopqrstuvwxyz\n').blocklists);
    expect(keyed.find((l) => l.definition.zone === 'zrd.spamhaus.org')?.queryZone).toBe('abcdefghijklmnopqrstuvwxyz.zrd.dq.spamhaus.net');
    expect(keyed.find((l) => l.definition.zone === 'zen.spamhaus.org')?.queryZone).toBe('abcdefghijklmnopqrstuvwxyz.zen.dq.spamhaus.net');
    expect(keyed.find((l) => l.definition.zone === 'bl.spamcop.net')?.queryZone).toBe('bl.spamcop.net');
  });

  it('honours zones, disable and custom lists', () => {
    const config = parse(`
blocklists:
  zones: [zen.spamhaus.org, bl.spamcop.net, everything.bl.test]
  disable: [bl.spamcop.net]
  custom:
    - zone: everything.bl.test
      type: ip
      codes:
        127.0.0.2: listed here
        127.0.0.10: { meaning: policy here, effect: policy }
`).blocklists;
    const lists = selectLists(config);
    expect(lists.map((l) => l.definition.zone)).toEqual(['zen.spamhaus.org', 'everything.bl.test']);
    expect(lists[1]?.definition).toMatchObject({ targets: 'ip', ipv6: true, testPoints: { listed: '127.0.0.2', unlisted: '127.0.0.1' } });
    expect(lists[1]?.definition.codes).toEqual([
      { code: '127.0.0.2', meaning: 'listed here', effect: 'listed' },
      { code: '127.0.0.10', meaning: 'policy here', effect: 'policy' },
    ]);
    expect(() => selectLists(config, ['nope.example.org'])).toThrow(UnknownZoneError);
  });

  it('rejects unknown zones, bad codes and malformed keys with the file, line and key path', () => {
    const bad = (yaml: string) => {
      try {
        parse(yaml);
      } catch (error) {
        if (error instanceof ConfigError) return error.message;
        throw error;
      }
      throw new Error('expected a configuration error');
    };
    expect(bad('blocklists:\n  zones:\n    - dnsbl.sorbs.net\n')).toMatch(/inboxwatch\.yaml:3.*blocklists\.zones\[0\]: unknown zone "dnsbl\.sorbs\.net"/);
    expect(bad('blocklists:\n  custom:\n    - zone: x.bl.test\n      type: ip\n      bitmask: true\n      codes: { "3": both }\n')).toMatch(/blocklists\.custom\[0\]\.codes\.3: bitmask codes are bit values/);
    expect(bad('blocklists:\n  dqsKey: "not a key!"\n')).toMatch(/blocklists\.dqsKey: expected a Spamhaus DQS key/);
    expect(bad('blocklists:\n  dqsKey: "not a key!"\n')).not.toContain('not a key!');
    expect(bad('blocklists:\n  ips:\n    - 192.0.2.1\n    - 10.0.0.0/8\n')).toMatch(/inboxwatch\.yaml:4.*blocklists\.ips\[1\]: range has 16777216 addresses; at most 4096/);
  });
});
