import { ImapFlow, type FetchMessageObject, type SearchObject } from 'imapflow';
import type { SeedConfig } from '../config/schema.js';
import type { Resolver } from '../dns/types.js';
import type { Logger } from '../log.js';
import type { Observation } from '../placement/analyse.js';
import type { Collector, Found, PassResult, SeedFailure, SeedHealthSink, Watch } from '../placement/mail-io.js';
import { folderRole } from '../placement/classify.js';
import { findSpamFolder, foldersToSearch } from '../placement/folders.js';
import { detectGmailTab, isGmail, normaliseLabels } from '../placement/gmail.js';
import { angleAddress } from '../placement/headers.js';
import { resolveHost } from '../dns/address.js';
import { imapOptions } from './mail-connections.js';
import { resolverFetch } from './oauth-token-fetch.js';
import { TEST_HEADER } from '../placement/message.js';
import { createTokenSource, TokenError, type FetchLike, type TokenSource } from '../placement/oauth2.js';
import { retryDelay } from '../placement/backoff.js';
import { appPasswordHint, isUnsafeLoginRefusal } from '../config/mailbox-providers.js';
import type { MailboxProvider } from '../placement/types.js';

export interface CollectorOptions {
  resolver: Resolver;
  log: Logger;
  health: SeedHealthSink;
  now?: () => number;
  /** How often every folder is searched again while messages are outstanding (IDLE watches INBOX and spam). */
  pollIntervalMs: number;
  /** false turns IDLE off so only polling finds messages (the benchmark's baseline). */
  idle?: boolean;
  /** false keeps to one connection per seed: no second connection IDLEing on the spam folder. */
  spamIdle?: boolean;
  /** Jitter for the retry backoff; Math.random by default. */
  random?: () => number;
  deleteAfterRead?: boolean;
  /** Fetch for OAuth2 token endpoints; the global fetch by default. */
  tokenFetch?: FetchLike;
}

/**
 * Per seed mailbox one IMAP connection that searches every folder on each pass and IDLEs on INBOX between
 * passes, and a second one that only IDLEs on the spam folder (one connection can IDLE on one mailbox only);
 * both kept across tests.
 */
export function createCollector(options: CollectorOptions): Collector {
  const sessions = new Map<string, Session>();
  return {
    watch(seed, watch) {
      let session = sessions.get(seed.address);
      if (!session) {
        session = createSession(seed, options);
        sessions.set(seed.address, session);
      }
      return session.add(watch);
    },
    failure: (seed) => sessions.get(seed)?.failure(),
    foldersSearched: (seed) => sessions.get(seed)?.folders() ?? [],
    afterNextPass: (seed) => sessions.get(seed)?.afterNextPass() ?? Promise.resolve({ completed: false, reason: 'the mailbox was never opened' }),
    async close() {
      await Promise.all([...sessions.values()].map((s) => s.close()));
      sessions.clear();
    },
  };
}

interface Session {
  add(watch: Watch): () => void;
  failure(): SeedFailure | undefined;
  folders(): string[];
  afterNextPass(): Promise<PassResult>;
  close(): Promise<void>;
}

/**
 * Why we could not read a mailbox, in words for the verdict; never a password or token. For providers that
 * take an app-specific code, a failed login says so.
 */
export function describeImapError(error: unknown, provider: MailboxProvider = 'other'): { message: string; permanent: boolean } {
  if (error instanceof TokenError) return { message: error.message, permanent: error.permanent };
  const e = error as { message?: string; code?: string; authenticationFailed?: boolean; responseText?: string; serverResponseCode?: string; response?: unknown };
  const text = e.responseText ?? (typeof e.response === 'string' ? e.response : undefined);
  if (e.authenticationFailed) {
    const hint = appPasswordHint(provider);
    return { message: `IMAP login failed${text ? `: ${text}` : ''}${hint ? ` (${hint})` : ''}`, permanent: true };
  }
  if (isUnsafeLoginRefusal(text ?? e.message)) {
    return { message: `the server refused to open a folder as an unsafe login (${text ?? e.message}); it wants the client identified with IMAP ID first`, permanent: true };
  }
  if (e.code) return { message: `IMAP connection failed: ${e.code}${e.message ? ` (${e.message})` : ''}`, permanent: false };
  return { message: `IMAP error: ${e.message ?? String(error)}`, permanent: false };
}

/** Storage use as seed health records it; a warning from 90% full, before a full mailbox starts bouncing seeds. */
export function quotaHealth(storage: { usage?: number; limit?: number } | undefined): { used: number; limit: number; warning: string | null } | undefined {
  if (!storage || storage.usage === undefined || storage.limit === undefined || storage.limit <= 0) return undefined;
  const share = storage.usage / storage.limit;
  return { used: storage.usage, limit: storage.limit, warning: share >= 0.9 ? `mailbox ${Math.round(share * 100)}% full` : null };
}

class PermanentSeedError extends Error {}

const IDLE_CONNECTION_LINGER_MS = 5 * 60_000;
const CLOSE_GRACE_MS = 2_000;
// Below the 29 minutes after which RFC 2177 lets a server drop an IDLE client, and below common NAT timeouts.
const SPAM_IDLE_RESTART_MS = 10 * 60_000;

function createSession(seed: SeedConfig, options: CollectorOptions): Session {
  const now = options.now ?? Date.now;
  const log = options.log;
  const watches = new Map<string, Watch>();
  const tokens: TokenSource | undefined = seed.imap.oauth2 ? createTokenSource(seed.imap.oauth2, { fetch: options.tokenFetch ?? resolverFetch(options.resolver) }) : undefined;
  let client: ImapFlow | undefined;
  // IDLEs on the spam folder while the other connection IDLEs on INBOX; it never searches or fetches.
  let spamWatch: ImapFlow | undefined;
  // Connections between connect() and login, so closing does not wait out a server that never greets.
  const opening = new Set<ImapFlow>();
  let spamFolder: string | undefined;
  let trashFolder: string | undefined;
  let gmail = false;
  let lastFailure: SeedFailure | undefined;
  let searched: string[] = [];
  let running: Promise<void> | undefined;
  let closed = false;
  let wake: () => void = () => {};
  // Only closing ends a backoff early: an arrival, a new watch or a connection's close event must not, or a
  // refused host is retried as fast as the socket fails.
  let backingOff = false;
  let endBackoff: () => void = () => {};
  // Set by whatever should start a pass (an arrival, a new watch, a waiter) and cleared when one starts, so a
  // wake-up that comes while a pass is running is not lost until the next poll.
  let changed = false;
  const nudge = () => {
    changed = true;
    wake();
  };
  // Passes are numbered as they start; a waiter is satisfied only by a pass that started after it asked.
  let passesStarted = 0;
  let passWaiters: Array<{ after: number; resolve: (result: PassResult) => void }> = [];
  const passDone = (result: PassResult, pass = Number.POSITIVE_INFINITY) => {
    const ready = passWaiters.filter((w) => w.after < pass);
    passWaiters = passWaiters.filter((w) => w.after >= pass);
    for (const w of ready) w.resolve(result);
  };
  // Found messages whose watch callbacks are still recording them.
  let recording = 0;
  // Candidates that turned out not to be ours (a bounce quoting the token), so they are fetched once only.
  const ignored = new Set<string>();

  const keyOf = (messageId: string) => angleAddress(messageId) ?? messageId;

  /** Opens and authenticates a connection; an OAuth2 seed retries once with a fresh access token. */
  async function login(onClose: (closed: ImapFlow) => void, extra: { maxIdleTime?: number } = {}): Promise<ImapFlow> {
    const imap = seed.imap;
    const host = await resolveHost(options.resolver, imap.host);
    const make = (auth: { user: string; pass?: string; accessToken?: string }) =>
      new ImapFlow({ ...imapOptions(imap, host, auth), ...extra });
    let fresh: ImapFlow;
    if (tokens) {
      fresh = make({ user: imap.user, accessToken: await tokens.accessToken() });
      try {
        await connectClient(fresh, onClose);
      } catch (error) {
        fresh.close();
        if (!(error as { authenticationFailed?: boolean }).authenticationFailed) throw error;
        // The cached access token may have been revoked early: one retry with a fresh one.
        tokens.invalidate();
        fresh = make({ user: imap.user, accessToken: await tokens.accessToken() });
        await connectClient(fresh, onClose);
      }
    } else {
      fresh = make({ user: imap.user, pass: imap.pass });
      await connectClient(fresh, onClose);
    }
    return fresh;
  }

  /** The searching connection, logged in and with the spam and trash folders found. */
  async function connect(): Promise<ImapFlow> {
    const fresh = await login((closed) => {
      if (client === closed) client = undefined;
      wake();
    });
    try {
      return await prepare(fresh);
    } catch (error) {
      fresh.close();
      throw error;
    }
  }

  /**
   * Opens the connection that IDLEs on the spam folder, when it is wanted and missing; true when it logged
   * in. Its failures reach the caller, so they count as the seed's like any other login failure. Without
   * IDLE on the server the spam folder is left to the poll.
   */
  async function ensureSpamWatch(main: ImapFlow): Promise<boolean> {
    if (options.idle === false || options.spamIdle === false || spamFolder === undefined || !main.capabilities.has('IDLE')) return false;
    if (spamWatch?.usable) return false;
    const folder = spamFolder;
    const fresh = await login(
      (closed) => {
        if (spamWatch === closed) spamWatch = undefined;
      },
      { maxIdleTime: SPAM_IDLE_RESTART_MS },
    );
    try {
      await fresh.mailboxOpen(folder, { readOnly: true });
    } catch (error) {
      fresh.close();
      throw error;
    }
    fresh.on('exists', nudge);
    spamWatch = fresh;
    // IDLE ends only when the connection fails or closes; the next pass opens a new one if still wanted.
    const ended = () => {
      if (spamWatch !== fresh) return;
      spamWatch = undefined;
      fresh.close();
    };
    fresh.idle().then(ended, ended);
    log.debug('watching the seed spam folder', { seed: seed.address, spamFolder: folder });
    return true;
  }

  /** Finds the spam and trash folders; the connection is ready for passes after it. */
  async function prepare(fresh: ImapFlow): Promise<ImapFlow> {
    const list = await fresh.list();
    const entries = list.map((m) => ({ path: m.path, specialUse: m.specialUse, advertised: m.specialUseSource === 'extension', delimiter: m.delimiter }));
    spamFolder = findSpamFolder(entries, seed.mailboxProvider, seed.spamFolder);
    if (spamFolder === undefined) {
      throw new PermanentSeedError(
        seed.spamFolder !== undefined
          ? `the configured spam folder "${seed.spamFolder}" does not exist in this mailbox`
          : 'no spam folder found (no \\Junk special-use and no known name); set spamFolder for this seed',
      );
    }
    trashFolder = list.find((m) => m.specialUse === '\\Trash')?.path;
    gmail = isGmail(fresh.capabilities.keys());
    log.debug('seed mailbox connected', { seed: seed.address, spamFolder, gmail });
    return fresh;
  }

  async function connectClient(fresh: ImapFlow, onClose: (closed: ImapFlow) => void): Promise<void> {
    fresh.on('error', (error: Error) => log.debug('seed connection error', { seed: seed.address, error: error.message }));
    fresh.on('close', () => onClose(fresh));
    opening.add(fresh);
    try {
      await fresh.connect();
    } finally {
      opening.delete(fresh);
    }
  }

  /** Closes both connections (and any still logging in): politely (LOGOUT) when idle, at once after a failure. */
  async function dropConnections(how: 'logout' | 'close'): Promise<void> {
    for (const c of opening) c.close();
    const open = [client, spamWatch].filter((c): c is ImapFlow => c !== undefined);
    client = undefined;
    spamWatch = undefined;
    await Promise.all(open.map((c) => (how === 'logout' ? c.logout().catch(() => c.close()) : c.close())));
  }

  async function quotaOf(c: ImapFlow) {
    if (!c.capabilities.has('QUOTA')) return undefined;
    const quota = await c.getQuota('INBOX').catch(() => false as const);
    return quota ? quotaHealth(quota.storage) : undefined;
  }

  function searchQuery(): SearchObject {
    const tokenSet = new Set([...watches.values()].map((w) => w.target.token));
    // The token header is the primary key; the Message-ID catches servers whose search ignores custom headers.
    const terms: SearchObject[] = [
      ...[...tokenSet].map((token) => ({ header: { [TEST_HEADER]: token } })),
      ...[...watches.values()].map((w) => ({ header: { 'message-id': w.target.messageId } })),
    ];
    return terms.length === 1 ? (terms[0] as SearchObject) : { or: terms };
  }

  async function scan(c: ImapFlow): Promise<void> {
    const pass = ++passesStarted;
    changed = false;
    const folders = foldersToSearch(spamFolder, seed.folders);
    const passed: string[] = [];
    for (const folder of folders) {
      if (watches.size === 0) break;
      const box = await c.mailboxOpen(folder, { readOnly: true });
      passed.push(folder);
      const uids = await c.search(searchQuery(), { uid: true });
      // Whatever this search lists had arrived by now: the upper bound on its arrival time.
      const seenAt = now();
      const fresh = (uids || []).filter((uid) => !ignored.has(`${folder}\u0000${box.uidValidity}\u0000${uid}`));
      if (fresh.length === 0) continue;
      const messages: FetchMessageObject[] = await c.fetchAll(fresh, { uid: true, envelope: true, internalDate: true, source: true, labels: gmail }, { uid: true });
      const toDelete: number[] = [];
      for (const message of messages) {
        const messageId = message.envelope?.messageId;
        const from = message.envelope?.from?.[0]?.address;
        const watch = messageId ? watches.get(keyOf(messageId)) : undefined;
        if (!watch || !message.source || angleAddress(from) !== angleAddress(watch.target.fromAddress)) {
          ignored.add(`${folder}\u0000${box.uidValidity}\u0000${message.uid}`);
          continue;
        }
        const role = folderRole(folder, spamFolder);
        const tab =
          gmail && role === 'inbox'
            ? await detectGmailTab(message.uid, async (uid, raw) => ((await c.search({ uid: String(uid), gmraw: raw }, { uid: true })) || []).includes(uid))
            : undefined;
        const source = message.source;
        const headerEnd = source.indexOf('\r\n\r\n');
        const observation: Observation = {
          seed: seed.address,
          folder,
          role,
          uid: message.uid,
          messageId,
          from,
          internalDate: message.internalDate ? new Date(message.internalDate).getTime() : undefined,
          headers: source.subarray(0, headerEnd === -1 ? source.length : headerEnd + 2).toString('utf8'),
          labels: normaliseLabels(message.labels),
          tab,
          foldersSearched: [...passed],
          observedAt: seenAt,
        };
        watches.delete(keyOf(watch.target.messageId));
        recording++;
        try {
          await watch.found({ observation, source });
        } catch (error) {
          // Recording failed (the database, most likely): keep looking, so the next pass records it.
          log.error('could not record a found seed message', { seed: seed.address, error: (error as Error).message });
          watches.set(keyOf(watch.target.messageId), watch);
          continue;
        } finally {
          recording--;
        }
        toDelete.push(message.uid);
      }
      if (options.deleteAfterRead && toDelete.length > 0) await remove(c, folder, toDelete);
    }
    if (passed.length === folders.length) {
      searched = passed;
      passDone({ completed: true, folders: passed }, pass);
    } else if (watches.size === 0) {
      passDone({ completed: false, reason: 'nothing left to look for' }, pass);
    }
    if (options.idle !== false && c.mailbox && c.mailbox.path !== 'INBOX') await c.mailboxOpen('INBOX', { readOnly: true });
  }

  /** Removes only our matched messages; on Gmail by moving them to Trash, since \Deleted there only drops a label. */
  async function remove(c: ImapFlow, folder: string, uids: number[]): Promise<void> {
    try {
      await c.mailboxOpen(folder, { readOnly: false });
      const range = uids.join(',');
      if (gmail && trashFolder) await c.messageMove(range, trashFolder, { uid: true });
      else await c.messageDelete(range, { uid: true });
    } catch (error) {
      log.warn('could not remove a seed message after reading it', { seed: seed.address, folder, error: (error as Error).message });
    }
  }

  /** Waits for an EXISTS on INBOX or the spam folder (IDLE), a new watch, the poll interval or the connection closing. */
  function waitForChange(c: ImapFlow): Promise<void> {
    return new Promise<void>((resolve) => {
      if (changed) {
        resolve();
        return;
      }
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        c.off('exists', finish);
        wake = () => {};
        resolve();
      };
      const timer = setTimeout(finish, options.pollIntervalMs);
      wake = finish;
      if (options.idle === false) return;
      c.on('exists', finish);
      // IDLE is started explicitly: imapflow would only enter it by itself after 15 s without commands.
      c.idle().then(finish, finish);
    });
  }

  function backoff(ms: number): Promise<void> {
    backingOff = true;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        backingOff = false;
        endBackoff = () => {};
        resolve();
      };
      const timer = setTimeout(done, ms);
      endBackoff = done;
    });
  }

  async function loop(): Promise<void> {
    try {
      await passes();
    } finally {
      // Nobody is left to scan for whoever still waits for a pass.
      passDone({ completed: false, reason: closed ? 'the mailbox reader was closed' : 'nothing left to look for' });
    }
  }

  async function passes(): Promise<void> {
    let failures = 0;
    while (!closed && watches.size > 0) {
      try {
        let loggedIn = false;
        if (!client || !client.usable) {
          client = await connect();
          loggedIn = true;
        }
        if (await ensureSpamWatch(client)) loggedIn = true;
        // Recorded once both connections are in, so one attempt is one login or one failure in seed health.
        if (loggedIn) {
          if (lastFailure) log.info('seed mailbox readable again', { seed: seed.address });
          lastFailure = undefined;
          await options.health.login(seed.address, now(), await quotaOf(client));
        }
        await scan(client);
        failures = 0;
        if (watches.size > 0 && !closed) await waitForChange(client);
      } catch (error) {
        if (closed) break;
        const described = error instanceof PermanentSeedError ? { message: error.message, permanent: true } : describeImapError(error, seed.mailboxProvider);
        const failure: SeedFailure = { ...described, at: now() };
        // Logged when the seed starts failing or fails differently; every attempt still counts in seed health.
        const news = lastFailure?.message !== failure.message || lastFailure.permanent !== failure.permanent;
        (news ? log.warn : log.debug)('could not read seed mailbox', { seed: seed.address, error: failure.message, permanent: failure.permanent });
        lastFailure = failure;
        failures++;
        await options.health.failure(seed.address, failure.at, failure.message).catch(() => undefined);
        await dropConnections('close');
        for (const watch of [...watches.values()]) watch.failed(failure);
        passDone({ completed: false, reason: failure.message });
        // A permanent failure ends the waiting; the next test tries to log in again.
        if (failure.permanent) watches.clear();
        else await backoff(retryDelay(failures, options.random ?? Math.random));
      }
    }
  }

  // An idle connection is kept a while for the next test, then closed before the server (or a NAT) drops it unseen.
  let linger: NodeJS.Timeout | undefined;
  function ensureRunning() {
    clearTimeout(linger);
    running ??= loop().finally(() => {
      running = undefined;
      if (!closed && watches.size > 0) ensureRunning();
      else if (!closed) {
        linger = setTimeout(() => {
          if (!running) void dropConnections('logout');
        }, IDLE_CONNECTION_LINGER_MS);
        linger.unref();
      }
    });
  }

  return {
    add(watch) {
      const key = keyOf(watch.target.messageId);
      watches.set(key, watch);
      nudge();
      ensureRunning();
      return () => {
        if (watches.get(key) === watch) watches.delete(key);
      };
    },
    failure: () => lastFailure,
    folders: () => searched,
    afterNextPass() {
      if (closed) return Promise.resolve({ completed: false, reason: 'the mailbox reader was closed' });
      // A message found but still being recorded has left the watches; its pass ends once it is recorded.
      if (watches.size === 0 && recording === 0) return Promise.resolve({ completed: false, reason: 'nothing left to look for' });
      if (backingOff && lastFailure) return Promise.resolve({ completed: false, reason: lastFailure.message });
      const after = watches.size === 0 ? passesStarted - 1 : passesStarted;
      const done = new Promise<PassResult>((resolve) => passWaiters.push({ after, resolve }));
      nudge();
      return done;
    },
    async close() {
      closed = true;
      clearTimeout(linger);
      watches.clear();
      wake();
      endBackoff();
      // A login still in progress finishes first, so its connections are closed here too; a session that
      // hangs (a server that stopped answering) is cut off rather than waited for.
      if (running && !(await settlesWithin(running, CLOSE_GRACE_MS))) await dropConnections('close');
      await running;
      await dropConnections('logout');
    },
  };
}

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]).finally(() => clearTimeout(timer));
}
