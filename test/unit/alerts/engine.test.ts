import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backoff, createAlertEngine } from '../../../src/alerts/engine.js';
import { listOutbox } from '../../../src/alerts/store.js';
import { UndeliverableError, type Notification, type Notifier } from '../../../src/alerts/types.js';
import type { CurrentStatus } from '../../../src/blocklists/history.js';
import { saveAudit } from '../../../src/audit/store.js';
import type { CheckStatus } from '../../../src/audit/types.js';
import { recordSweep } from '../../../src/blocklists/store.js';
import { configSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/log.js';
import { openStore } from '../../../src/node/sqlite-store.js';
import type { Sql } from '../../../src/store/sql.js';

const HOUR = 3_600_000;
const config = configSchema.parse({
  alerts: {
    channels: [{ name: 'a', type: 'webhook', url: 'https://hooks.example.net/a' }],
    rules: [
      { type: 'blocklist_listed', channels: ['a'], repeatInterval: '24h' },
      { type: 'dns_regression', channels: ['a'] },
    ],
  },
});

const cell = (target: string, status: CurrentStatus['status'], at: number): CurrentStatus => ({
  target,
  zone: 'zen.spamhaus.org',
  list: 'Spamhaus ZEN',
  status,
  lastKnown: status === 'error' ? 'listed' : status,
  lastKnownCodes: [],
  severity: status === 'listed' ? 'high' : null,
  allowlisted: false,
  codes: status === 'listed' ? ['127.0.0.2'] : [],
  meaning: status === 'listed' ? 'SBL: Spamhaus Blocklist' : null,
  reason: null,
  delistUrl: null,
  error: status === 'error' ? 'timeout' : null,
  since: at,
  checkedAt: at,
});

describe('alert engine over a real SQLite store', () => {
  let db: Sql;
  let clock: number;
  let sent: Notification[];
  let down: boolean;
  let unsendable: boolean;
  const notifier: Notifier = {
    async send(notification) {
      if (unsendable) throw new UndeliverableError('this runtime has no way to send it');
      if (down) throw new Error('HTTP 503');
      sent.push(notification);
    },
  };
  const engine = () => createAlertEngine({ config, db, log: silentLogger, notifiers: new Map([['a', notifier]]), holder: 'test', now: () => clock });
  const sweep = async (cells: Array<[string, CurrentStatus['status']]>) => {
    clock += HOUR;
    await recordSweep(db, { at: clock, statuses: cells.map(([t, s]) => cell(t, s, clock)), health: [], events: [], complete: true });
    const e = engine();
    await e.evaluate();
    return e.deliver();
  };
  const titles = () => sent.map((n) => (n.kind === 'alert' ? n.items.map((i) => `${i.kind} ${i.title.split(' on ')[0]}`).join(' + ') : n.kind));

  beforeEach(async () => {
    db = await openStore(':memory:');
    clock = Date.UTC(2026, 0, 1);
    sent = [];
    down = false;
    unsendable = false;
  });
  afterEach(async () => {
    await db.close();
  });

  it('groups one evaluation into one notification per channel, new trouble first, and repeats after the interval', async () => {
    await sweep([['192.0.2.1', 'listed'], ['192.0.2.2', 'clean']]);
    await sweep([['192.0.2.1', 'clean'], ['192.0.2.2', 'listed']]);
    expect(titles()).toEqual(['firing LISTED: 192.0.2.1', 'firing LISTED: 192.0.2.2 + resolved LISTED: 192.0.2.1']);
    for (let hours = 1; hours < 24; hours++) await sweep([['192.0.2.1', 'clean'], ['192.0.2.2', 'listed']]);
    expect(sent).toHaveLength(2);
    await sweep([['192.0.2.1', 'clean'], ['192.0.2.2', 'listed']]);
    expect(titles().at(-1)).toBe('repeat LISTED: 192.0.2.2');
  });

  it('keeps the last state through errors', async () => {
    await sweep([['192.0.2.1', 'listed']]);
    await sweep([['192.0.2.1', 'error']]);
    await sweep([['192.0.2.1', 'listed']]);
    expect(titles()).toEqual(['firing LISTED: 192.0.2.1']);
  });

  it('retries a failed delivery after the backoff, recording each attempt', async () => {
    down = true;
    expect(await sweep([['192.0.2.1', 'listed']])).toEqual({ delivered: 0, failed: 1 });
    down = false;
    clock += backoff(1) - 1;
    expect(await engine().deliver()).toEqual({ delivered: 0, failed: 0 });
    clock += 1;
    expect(await engine().deliver()).toEqual({ delivered: 1, failed: 0 });
    expect((await listOutbox(db, { limit: 5 })).map((o) => `${o.status} ${o.attempts}`)).toEqual(['delivered 2']);
    expect(titles()).toEqual(['firing LISTED: 192.0.2.1']);
  });

  it('records a notification the runtime cannot send as failed at once, with the reason, instead of retrying it', async () => {
    unsendable = true;
    expect(await sweep([['192.0.2.1', 'listed']])).toEqual({ delivered: 0, failed: 1 });
    clock += backoff(1);
    expect(await engine().deliver()).toEqual({ delivered: 0, failed: 0 });
    expect((await listOutbox(db, { limit: 5 })).map((o) => `${o.status} ${o.attempts} ${o.lastError}`)).toEqual(['failed 1 this runtime has no way to send it']);
  });

  it('reports a DMARC record that vanished and a check gone from pass to fail, with before and after, once', async () => {
    const audit = async (dmarc: string[] | null, status: CheckStatus) => {
      clock += HOUR;
      await saveAudit(db, {
        domain: 'example.com',
        startedAt: clock,
        finishedAt: clock,
        checks: [{ id: 'dmarc.record', subject: null, status, message: status === 'pass' ? 'p=reject' : 'no DMARC record', remediation: null, evidence: {} }],
        records: { dmarc: { name: '_dmarc.example.com', records: dmarc } },
      });
      const e = engine();
      await e.evaluate();
      await e.deliver();
    };
    await audit(['v=DMARC1; p=reject'], 'pass');
    await audit(null, 'error'); // could not look: neither a removal nor a regression
    expect(sent).toEqual([]);
    await audit([], 'fail');
    expect(titles()).toEqual(['firing DNS REGRESSION: example.com dmarc.record FAIL + firing DNS REMOVED: DMARC record of example.com']);
    const items = sent[0]?.kind === 'alert' ? sent[0].items : [];
    expect(items[1]?.evidence).toEqual([
      { label: 'name', value: '_dmarc.example.com' },
      { label: 'before', value: 'v=DMARC1; p=reject' },
      { label: 'after', value: '(none)' },
    ]);
    await audit([], 'fail');
    expect(sent).toHaveLength(1);
    await audit(['v=DMARC1; p=reject'], 'pass');
    // The check's recovery is announced; the record event resolved quietly on the audit before.
    expect(titles().at(-1)).toBe('resolved DNS REGRESSION: example.com dmarc.record FAIL');
  });
});
