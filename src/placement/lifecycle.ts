import type { Config, ProviderConfig, SeedConfig } from '../config/schema.js';
import type { Resolver } from '../dns/types.js';
import type { Logger } from '../log.js';
import type { ProcessOwner } from '../store/owners.js';
import type { Sql } from '../store/sql.js';
import { analyse } from './analyse.js';
import { unfound } from './classify.js';
import type { Collector, Found, ProviderSender, SeedFailure } from './mail-io.js';
import type { PlacementRuntime } from './runtime.js';
import { addressOf, domainOfAddress, messageId, mintToken, shuffle } from './message.js';
import { MAILBOX_PROVIDERS, type MailboxProvider } from './types.js';
import {
  createTest,
  markInterruptedSends,
  markSending,
  messagesOf,
  missingSince,
  recordSendError,
  recordSent,
  saveVerdict,
  setTestStatus,
  verdictsOf,
  type MessageRow,
  type TestRow,
  type TestTrigger,
} from './store.js';

export interface PlacementContext {
  config: Config;
  db: Sql;
  resolver: Resolver;
  log: Logger;
  now: () => number;
  collector: Collector;
  /** Aborted on shutdown: stop waiting, leave the test to be resumed. */
  signal?: AbortSignal;
  /** The process's mail adapters and the tests it is completing. */
  runtime: PlacementRuntime;
  /** This process: the tests it creates are its own until it is gone. */
  owner: ProcessOwner;
  random?: () => number;
  randomBytes?: (size: number) => Uint8Array;
}

export interface Progress {
  test: TestRow;
  /** Per provider: messages sent, failed to send, decided (found or final), still pending. */
  providers: Array<{ provider: string; sent: number; sendFailed: number; decided: number; pending: number }>;
}

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** Chooses the providers for a test: the named ones, else `placement.providers`, else all. */
export function chooseProviders(config: Config, names: readonly string[] | undefined): ProviderConfig[] {
  const wanted = names && names.length > 0 ? names : config.placement.providers;
  if (!wanted) return config.providers;
  return wanted.map((name) => {
    const provider = config.providers.find((p) => p.name === name);
    if (!provider) throw new PlanError(`unknown provider "${name}"; providers are ${config.providers.map((p) => p.name).join(', ') || '(none configured)'}`);
    return provider;
  });
}

/**
 * Plans and records a test: a fresh token, one message per provider x seed in a random order, all
 * written in one transaction before anything is sent.
 */
export async function createPlacementTest(
  ctx: PlacementContext,
  options: { providers?: readonly string[]; timeoutMs?: number; trigger: TestTrigger },
): Promise<TestRow> {
  const providers = chooseProviders(ctx.config, options.providers);
  if (providers.length === 0) throw new PlanError('no providers configured');
  if (ctx.config.seeds.length === 0) throw new PlanError('no seeds configured');
  const token = mintToken((ctx.randomBytes ?? randomBytes)(20));
  const startedAt = ctx.now();
  const timeoutMs = options.timeoutMs ?? ctx.config.placement.timeout;
  const planned = providers.flatMap((provider) =>
    ctx.config.seeds.map((seed, i) => ({
      provider: provider.name,
      seed: seed.address,
      mailboxProvider: seed.mailboxProvider,
      messageId: messageId(token, provider.name, i, domainOfAddress(provider.from)),
      fromAddress: addressOf(provider.from),
    })),
  );
  return createTest(ctx.db, {
    token,
    trigger: options.trigger,
    startedAt,
    deadlineAt: startedAt + timeoutMs,
    lateAfterMs: Math.min(ctx.config.placement.lateAfter, timeoutMs),
    providers: providers.map((p) => p.name),
    owner: ctx.owner.id,
    messages: shuffle(planned, ctx.random ?? randomFraction),
  });
}

const SEND_CONCURRENCY = 4;

const randomBytes = (size: number): Uint8Array => crypto.getRandomValues(new Uint8Array(size));

/** Uniform in [0, 1) from 48 bits of the platform CSPRNG (WebCrypto, on Node and Workers alike). */
function randomFraction(): number {
  const [high = 0, low = 0] = crypto.getRandomValues(new Uint32Array(2));
  return (high * 2 ** 16 + (low >>> 16)) / 2 ** 48;
}

/**
 * Sends what is unsent, collects until every message has a verdict or the deadline passes, and records
 * the rest as missing, error or send-error. Runs the same for a fresh test and one resumed after a
 * restart: messages caught mid-send by the crash are not sent again.
 */
export async function completePlacementTest(
  ctx: PlacementContext,
  test: TestRow,
  options: { onProgress?: (progress: Progress) => void; alsoLookFor?: boolean } = {},
): Promise<{ test: TestRow; interrupted: boolean }> {
  const { active } = ctx.runtime;
  if (active.has(test.id)) throw new Error(`test ${test.id} is already being completed`);
  active.add(test.id);
  try {
    return await complete(ctx, test, options);
  } finally {
    active.delete(test.id);
  }
}

async function complete(
  ctx: PlacementContext,
  test: TestRow,
  options: { onProgress?: (progress: Progress) => void; alsoLookFor?: boolean },
): Promise<{ test: TestRow; interrupted: boolean }> {
  const { db, log } = ctx;
  const interruptedSends = await markInterruptedSends(db, test.id);
  if (interruptedSends > 0) log.warn('messages caught mid-send by a restart are not sent again', { test: test.id, count: interruptedSends });
  const messages = new Map((await messagesOf(db, test.id)).map((m) => [m.id, m]));
  const decided = new Set((await verdictsOf(db, test.id, { headers: false })).map((v) => v.messageId));
  const seeds = new Map(ctx.config.seeds.map((s) => [s.address, s]));
  const providers = new Map(ctx.config.providers.map((p) => [p.name, p]));
  const unwatch = new Map<number, () => void>();
  const sendDone = new Map<number, { promise: Promise<void>; resolve: () => void }>();
  let changed: () => void = () => {};
  const notify = () => changed();

  const progress = () => {
    if (!options.onProgress) return;
    const byProvider = new Map<string, Progress['providers'][number]>();
    for (const m of messages.values()) {
      const row = byProvider.get(m.provider) ?? { provider: m.provider, sent: 0, sendFailed: 0, decided: 0, pending: 0 };
      if (m.sendStatus === 'sent') row.sent++;
      if (m.sendStatus === 'error') row.sendFailed++;
      if (decided.has(m.id)) row.decided++;
      else row.pending++;
      byProvider.set(m.provider, row);
    }
    options.onProgress({ test, providers: [...byProvider.values()] });
  };

  const deciding = new Set<number>();
  const decide = async (message: MessageRow, verdict: Omit<Parameters<typeof saveVerdict>[1], 'message' | 'testStartedAt' | 'decidedAt'>) => {
    if (decided.has(message.id) || deciding.has(message.id)) return;
    deciding.add(message.id);
    try {
      await saveVerdict(db, { message, testStartedAt: test.startedAt, decidedAt: ctx.now(), ...verdict });
      // Only a stored verdict counts: if storing failed, the message stays pending and is looked for again.
      decided.add(message.id);
      unwatch.get(message.id)?.();
    } finally {
      deciding.delete(message.id);
    }
    progress();
    notify();
  };

  const onFound = async (id: number, found: Found) => {
    await sendDone.get(id)?.promise;
    const message = messages.get(id) as MessageRow;
    const provider = providers.get(message.provider);
    const verdict = analyse(
      found.observation,
      { messageId: message.messageId, fromAddress: message.fromAddress, sentAt: message.sentAt, sendStartedAt: message.sendStartedAt, providerIps: provider?.ips ?? [], mailboxProvider: mailboxProviderOf(message) },
      { startedAt: test.startedAt, lateAfterMs: test.lateAfterMs },
    );
    let localAuth = null;
    try {
      localAuth = await ctx.runtime.verifyLocally(found.source, { hop: verdict.receivingHop, returnPath: verdict.returnPath }, ctx.resolver);
    } catch (error) {
      log.warn('could not verify the message ourselves', { seed: message.seed, provider: message.provider, error: (error as Error).message });
    }
    await decide(message, { found: verdict, localAuth });
  };

  const onFailed = (id: number, failure: SeedFailure) => {
    const message = messages.get(id) as MessageRow;
    const state = unfound({ sendStatus: message.sendStatus, now: ctx.now(), deadline: test.deadlineAt, seedError: failure });
    if (state.state === 'final') {
      void decide(message, { placement: state.placement, error: state.error ?? null, foldersSearched: [] }).catch((error: Error) =>
        log.error('could not record a verdict', { error: error.message }),
      );
    }
  };

  const watch = (message: MessageRow) => {
    const seed = seeds.get(message.seed);
    if (!seed) return;
    unwatch.set(
      message.id,
      ctx.collector.watch(seed, {
        target: { token: test.token, messageId: message.messageId, fromAddress: message.fromAddress },
        found: (found) => onFound(message.id, found),
        failed: (failure) => onFailed(message.id, failure),
      }),
    );
  };

  // Watch before sending, so a fast delivery is seen by IDLE rather than by the next poll.
  for (const message of messages.values()) {
    if (decided.has(message.id)) continue;
    if (!seeds.has(message.seed)) {
      await decide(message, { placement: 'error', error: `seed ${message.seed} is no longer configured` });
      continue;
    }
    if (message.sendStatus === 'error') {
      await decide(message, { placement: 'send-error', error: message.sendError });
      continue;
    }
    if (message.sendStatus === 'pending') {
      let resolve: () => void = () => {};
      const promise = new Promise<void>((r) => (resolve = r));
      sendDone.set(message.id, { promise, resolve });
    }
    watch(message);
  }
  progress();

  await sendPending(ctx, test, messages, sendDone, decide, progress);
  await setTestStatus(db, test.id, 'collecting', ctx.now());

  const lateWatches = options.alsoLookFor ? await lookForLateArrivals(ctx, test.id) : [];

  const pending = () => [...messages.values()].filter((m) => !decided.has(m.id));
  while (pending().length > 0 && !ctx.signal?.aborted) {
    const wait = test.deadlineAt - ctx.now();
    if (wait <= 0) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        ctx.signal?.removeEventListener('abort', done);
        changed = () => {};
        resolve();
      }
      changed = done;
      ctx.signal?.addEventListener('abort', done);
    });
  }

  for (const stop of lateWatches) stop();
  if (ctx.signal?.aborted) {
    for (const stop of unwatch.values()) stop();
    log.warn('placement test interrupted; it resumes on the next start', { test: test.id });
    return { test, interrupted: true };
  }

  // One more look in every mailbox still owing a message, so a test resumed after its deadline (or a
  // delivery in the last poll interval) is searched for before anything is called missing; a search that
  // hangs or fails leaves its messages an error, never missing.
  const limit = ctx.config.placement.searchTimeout;
  const finalSearches = new Map(
    await Promise.all(
      [...new Set(pending().map((m) => m.seed))].map(
        async (seed) =>
          [seed, await withTimeout(ctx.collector.afterNextPass(seed), limit, { completed: false, reason: `no answer from the mailbox within ${limit / 1000}s` })] as const,
      ),
    ),
  );
  for (const stop of unwatch.values()) stop();

  for (const message of pending()) {
    const state = unfound({
      sendStatus: message.sendStatus,
      sendError: message.sendError,
      now: ctx.now(),
      deadline: test.deadlineAt,
      seedError: ctx.collector.failure(message.seed),
      finalSearch: finalSearches.get(message.seed),
    });
    if (state.state === 'final') {
      const search = finalSearches.get(message.seed);
      await decide(message, { placement: state.placement, error: state.error ?? null, foldersSearched: search?.completed ? search.folders : [] });
    }
  }
  await setTestStatus(db, test.id, 'complete', ctx.now());
  return { test: { ...test, status: 'complete' }, interrupted: false };
}

/** The mailbox provider recorded with the message; a value from an older version we no longer know reads as `other`. */
function mailboxProviderOf(message: MessageRow): MailboxProvider {
  return (MAILBOX_PROVIDERS as readonly string[]).includes(message.mailboxProvider) ? (message.mailboxProvider as MailboxProvider) : 'other';
}

function withTimeout<T>(promise: Promise<T>, ms: number, otherwise: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(otherwise), ms)))]).finally(() => clearTimeout(timer));
}

async function sendPending(
  ctx: PlacementContext,
  test: TestRow,
  messages: Map<number, MessageRow>,
  sendDone: Map<number, { resolve: () => void }>,
  decide: (message: MessageRow, verdict: { placement: 'send-error'; error: string | null }) => Promise<void>,
  progress: () => void,
): Promise<void> {
  const queue = [...messages.values()].filter((m) => m.sendStatus === 'pending').sort((a, b) => a.position - b.position);
  if (queue.length === 0) return;
  const providers = new Map(ctx.config.providers.map((p) => [p.name, p]));
  const senders = new Map<string, Promise<ProviderSender>>();
  const senderFor = (name: string) => {
    let sender = senders.get(name);
    if (!sender) {
      const provider = providers.get(name);
      sender = provider ? ctx.runtime.createSender(provider, ctx.resolver) : Promise.reject(new Error(`provider ${name} is no longer configured`));
      sender.catch(() => undefined);
      senders.set(name, sender);
    }
    return sender;
  };

  const sendOne = async (message: MessageRow) => {
    try {
      if (ctx.signal?.aborted) return;
      if (ctx.now() >= test.deadlineAt) {
        await recordSendError(ctx.db, message.id, { error: 'not sent before the test timed out', response: null });
        message.sendStatus = 'error';
        message.sendError = 'not sent before the test timed out';
        await decide(message, { placement: 'send-error', error: message.sendError });
        return;
      }
      // Committed before the SMTP transaction: whatever happens next, this message is never sent twice.
      const sendStartedAt = ctx.now();
      if (!(await markSending(ctx.db, message.id, sendStartedAt))) return;
      Object.assign(message, { sendStatus: 'sending', sendStartedAt });
      let result;
      try {
        const sender = await senderFor(message.provider);
        result = await sender.send({ token: test.token, to: message.seed, messageId: message.messageId });
      } catch (error) {
        result = { ok: false as const, error: (error as Error).message, response: null };
      }
      if (result.ok) {
        await recordSent(ctx.db, message.id, { at: result.at, response: result.response, queueId: result.queueId });
        Object.assign(message, { sendStatus: 'sent', sentAt: result.at, response: result.response, queueId: result.queueId });
        progress();
      } else {
        await recordSendError(ctx.db, message.id, { error: result.error, response: result.response });
        Object.assign(message, { sendStatus: 'error', sendError: result.error, response: result.response });
        await decide(message, { placement: 'send-error', error: result.error });
      }
    } finally {
      sendDone.get(message.id)?.resolve();
    }
  };

  const workers = Array.from({ length: Math.min(SEND_CONCURRENCY, queue.length) }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await sendOne(next);
  });
  await Promise.all(workers);
  // Whatever was left unsent (shutdown) must not hold a found message's verdict forever.
  for (const done of sendDone.values()) done.resolve();
  for (const sender of senders.values()) void sender.then((s) => s.close(), () => undefined);
}

/**
 * Messages that were missing when their test ended are looked for again while this test runs; one
 * that turns up is recorded in its old test's verdict, flagged late.
 */
async function lookForLateArrivals(ctx: PlacementContext, currentTest: number): Promise<Array<() => void>> {
  const missing = await missingSince(ctx.db, ctx.now() - ctx.config.placement.lateSweep);
  const seeds = new Map<string, SeedConfig>(ctx.config.seeds.map((s) => [s.address, s]));
  const providers = new Map(ctx.config.providers.map((p) => [p.name, p]));
  return missing
    .filter((m) => m.message.testId !== currentTest && seeds.has(m.message.seed))
    .map(({ message, token, startedAt, lateAfterMs }) =>
      ctx.collector.watch(seeds.get(message.seed) as SeedConfig, {
        target: { token, messageId: message.messageId, fromAddress: message.fromAddress },
        failed: () => undefined,
        found: async (found) => {
          const verdict = analyse(
            found.observation,
            {
              messageId: message.messageId,
              fromAddress: message.fromAddress,
              sentAt: message.sentAt,
              sendStartedAt: message.sendStartedAt,
              providerIps: providers.get(message.provider)?.ips ?? [],
              mailboxProvider: mailboxProviderOf(message),
            },
            { startedAt, lateAfterMs },
          );
          const localAuth = await ctx.runtime.verifyLocally(found.source, { hop: verdict.receivingHop, returnPath: verdict.returnPath }, ctx.resolver).catch(() => null);
          await saveVerdict(ctx.db, { message, testStartedAt: startedAt, decidedAt: ctx.now(), found: { ...verdict, late: true }, localAuth });
          ctx.log.info('a message missing from an earlier test arrived late', { test: message.testId, seed: message.seed, provider: message.provider });
        },
      }),
    );
}
