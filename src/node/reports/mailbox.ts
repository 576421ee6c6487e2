import { ImapFlow } from 'imapflow';
import type { ReportsConfig } from '../../config/schema.js';
import { resolveHost } from '../../dns/address.js';
import type { Resolver } from '../../dns/types.js';
import type { Logger } from '../../log.js';
import { describeImapError } from '../imap-collector.js';
import { imapOptions } from '../mail-connections.js';
import { createTokenSource } from '../../placement/oauth2.js';
import { resolverFetch } from '../oauth-token-fetch.js';
import { ingest, type IngestDeps, type IngestOutcome } from '../../reports/ingest.js';
import { mailboxState, saveMailboxState } from '../../reports/store.js';
import { reportsInMessage } from './report-message.js';

type ImapConfig = NonNullable<ReportsConfig['imap']>;

export interface ReportMailbox {
  /** Reads every message that arrived since the last pass; resolves with what was taken in. */
  pass(): Promise<IngestOutcome[]>;
  /** Keeps reading: a pass now, then one whenever IDLE reports a new message or the poll interval passes. */
  watch(): void;
  close(): Promise<void>;
}

/**
 * The report mailbox: messages are read in UID order, each once (the last UID read is stored with the
 * mailbox's UIDVALIDITY, so a restart neither re-reads nor misses any), and left in place unflagged.
 */
export function createReportMailbox(
  deps: IngestDeps & { config: ReportsConfig; resolver: Resolver; log: Logger; afterPass?: (outcomes: readonly IngestOutcome[]) => Promise<void> },
): ReportMailbox {
  const imap = deps.config.imap as ImapConfig;
  const mailbox = deps.config.mailbox;
  const key = `${imap.user}@${imap.host}:${imap.port}/${mailbox}`;
  const tokens = imap.oauth2 ? createTokenSource(imap.oauth2, { fetch: resolverFetch(deps.resolver) }) : undefined;
  let client: ImapFlow | undefined;
  let closed = false;
  let running: Promise<IngestOutcome[]> | undefined;
  let watching: Promise<void> | undefined;
  let wake: () => void = () => {};
  // Set by an arrival and cleared when a pass starts, so news during a pass is not left for the next poll.
  let news = false;

  async function connect(): Promise<ImapFlow> {
    if (client?.usable) return client;
    const auth = tokens ? { user: imap.user, accessToken: await tokens.accessToken() } : { user: imap.user, pass: imap.pass };
    const fresh = new ImapFlow(imapOptions(imap, await resolveHost(deps.resolver, imap.host), auth));
    fresh.on('error', (error: Error) => deps.log.debug('report mailbox connection error', { error: error.message }));
    fresh.on('close', () => {
      if (client === fresh) client = undefined;
      wake();
    });
    fresh.on('exists', () => {
      news = true;
      wake();
    });
    await fresh.connect();
    await fresh.mailboxOpen(mailbox, { readOnly: true });
    client = fresh;
    return fresh;
  }

  async function readNew(): Promise<IngestOutcome[]> {
    news = false;
    const c = await connect().catch((error: unknown) => {
      throw new Error(describeImapError(error).message, { cause: error });
    });
    const box = c.mailbox;
    if (!box) throw new Error(`mailbox ${mailbox} is not open`);
    const uidValidity = String(box.uidValidity);
    const state = await mailboxState(deps.db, key);
    const after = state && state.uidValidity === uidValidity ? state.lastUid : 0;
    const outcomes: IngestOutcome[] = [];
    const uids = ((await c.search({ uid: `${after + 1}:*` }, { uid: true })) || []).filter((uid) => uid > after).sort((a, b) => a - b);
    // Sizes first, so a message too large to hold an acceptable report is never downloaded.
    const sizes = new Map(uids.length === 0 ? [] : (await c.fetchAll(uids.join(','), { uid: true, size: true }, { uid: true })).map((m) => [m.uid, m.size ?? 0]));
    for (const uid of uids) {
      const name = `imap:${mailbox}/${uid}`;
      const size = sizes.get(uid) ?? 0;
      // Base64 makes an attachment a third larger; twice the limit holds no report we would accept.
      if (size > deps.limits.maxCompressedBytes * 2) {
        deps.log.warn('report message over the size limit skipped', { uid, size });
      } else {
        const message = await c.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
        if (message && message.source) {
          for (const incoming of await reportsInMessage(message.source, name, 'imap')) outcomes.push(await ingest(deps, incoming));
        }
      }
      await saveMailboxState(deps.db, key, { uidValidity, lastUid: uid });
    }
    return outcomes;
  }

  function pass(): Promise<IngestOutcome[]> {
    running ??= readNew().finally(() => {
      running = undefined;
    });
    return running;
  }

  function waitForNews(c: ImapFlow): Promise<void> {
    return new Promise((resolve) => {
      if (news) {
        resolve();
        return;
      }
      const timer = setTimeout(finish, deps.config.pollInterval);
      function finish() {
        clearTimeout(timer);
        wake = () => {};
        resolve();
      }
      wake = finish;
      // IDLE ends when the server reports news (EXISTS) or the connection breaks.
      c.idle().then(finish, finish);
    });
  }

  async function loop(): Promise<void> {
    let backoff = 1_000;
    while (!closed) {
      try {
        const outcomes = await pass();
        await deps.afterPass?.(outcomes);
        backoff = 1_000;
        if (closed) break;
        await waitForNews(await connect());
      } catch (error) {
        if (closed) break;
        deps.log.warn('could not read the report mailbox', { mailbox, error: (error as Error).message });
        client?.close();
        client = undefined;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoff);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        backoff = Math.min(backoff * 2, 60_000);
      }
    }
  }

  return {
    pass,
    watch() {
      watching ??= loop();
    },
    async close() {
      closed = true;
      wake();
      await watching;
      await running?.catch(() => undefined);
      const open = client;
      client = undefined;
      await open?.logout().catch(() => open.close());
    },
  };
}
