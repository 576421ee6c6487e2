import { allInChunks } from '../store/chunks.js';
import type { ProcessOwner } from '../store/owners.js';
import type { Sql, Statement } from '../store/sql.js';
import type { FoundVerdict } from './analyse.js';
import type { SendStatus } from './classify.js';
import type { VerdictSample } from './rates.js';
import type { AuthVerdicts, Hop, Placement, SpamIndicators } from './types.js';

export type TestStatus = 'sending' | 'collecting' | 'complete';
export type TestTrigger = 'cli' | 'schedule' | 'manual' | 'api';

export interface TestRow {
  id: number;
  token: string;
  trigger: TestTrigger;
  startedAt: number;
  deadlineAt: number;
  lateAfterMs: number;
  providers: string[];
  status: TestStatus;
  finishedAt: number | null;
}

export interface MessageRow {
  id: number;
  testId: number;
  provider: string;
  seed: string;
  mailboxProvider: string;
  position: number;
  messageId: string;
  fromAddress: string;
  sendStatus: SendStatus;
  sendStartedAt: number | null;
  sentAt: number | null;
  response: string | null;
  queueId: string | null;
  sendError: string | null;
}

export interface VerdictRow {
  messageId: number;
  testId: number;
  provider: string;
  seed: string;
  mailboxProvider: string;
  placement: Placement;
  folder: string | null;
  labels: string[];
  foldersSearched: string[];
  arrivedAt: number | null;
  receivedAt: number | null;
  observedAt: number | null;
  /** The midpoint of the latency interval; the true latency is within latencyMs ± latencyErrorMs. */
  latencyMs: number | null;
  latencyErrorMs: number | null;
  latencyLowMs: number | null;
  latencyHighMs: number | null;
  latencySource: string | null;
  clockSkewMs: number | null;
  late: boolean;
  receiverAuth: AuthVerdicts | null;
  localAuth: AuthVerdicts | null;
  spam: SpamIndicators | null;
  hops: Hop[];
  headers: string | null;
  error: string | null;
  decidedAt: number;
}

interface TestRecord {
  id: number;
  token: string;
  trigger: TestTrigger;
  started_at: number;
  deadline_at: number;
  late_after_ms: number;
  providers: string;
  status: TestStatus;
  finished_at: number | null;
}

const toTest = (r: TestRecord): TestRow => ({
  id: r.id,
  token: r.token,
  trigger: r.trigger,
  startedAt: r.started_at,
  deadlineAt: r.deadline_at,
  lateAfterMs: r.late_after_ms,
  providers: JSON.parse(r.providers) as string[],
  status: r.status,
  finishedAt: r.finished_at,
});

interface MessageRecord {
  id: number;
  test_id: number;
  provider: string;
  seed: string;
  mailbox_provider: string;
  position: number;
  message_id: string;
  from_address: string;
  send_status: SendStatus;
  send_started_at: number | null;
  sent_at: number | null;
  response: string | null;
  queue_id: string | null;
  send_error: string | null;
}

const toMessage = (r: MessageRecord): MessageRow => ({
  id: r.id,
  testId: r.test_id,
  provider: r.provider,
  seed: r.seed,
  mailboxProvider: r.mailbox_provider,
  position: r.position,
  messageId: r.message_id,
  fromAddress: r.from_address,
  sendStatus: r.send_status,
  sendStartedAt: r.send_started_at,
  sentAt: r.sent_at,
  response: r.response,
  queueId: r.queue_id,
  sendError: r.send_error,
});

interface VerdictRecord {
  message_id: number;
  test_id: number;
  provider: string;
  seed: string;
  mailbox_provider: string;
  placement: Placement;
  folder: string | null;
  labels: string;
  folders_searched: string;
  arrived_at: number | null;
  received_at: number | null;
  observed_at: number | null;
  latency_ms: number | null;
  latency_error_ms: number | null;
  latency_low_ms: number | null;
  latency_high_ms: number | null;
  latency_source: string | null;
  clock_skew_ms: number | null;
  late: number;
  receiver_auth: string | null;
  local_auth: string | null;
  spam: string | null;
  hops: string | null;
  headers: string | null;
  error: string | null;
  decided_at: number;
}

const json = <T>(text: string | null, fallback: T): T => (text === null ? fallback : (JSON.parse(text) as T));

const toVerdict = (r: VerdictRecord, withHeaders: boolean): VerdictRow => ({
  messageId: r.message_id,
  testId: r.test_id,
  provider: r.provider,
  seed: r.seed,
  mailboxProvider: r.mailbox_provider,
  placement: r.placement,
  folder: r.folder,
  labels: json(r.labels, []),
  foldersSearched: json(r.folders_searched, []),
  arrivedAt: r.arrived_at,
  receivedAt: r.received_at,
  observedAt: r.observed_at,
  latencyMs: r.latency_ms,
  latencyErrorMs: r.latency_error_ms,
  latencyLowMs: r.latency_low_ms,
  latencyHighMs: r.latency_high_ms,
  latencySource: r.latency_source,
  clockSkewMs: r.clock_skew_ms,
  late: r.late === 1,
  receiverAuth: json(r.receiver_auth, null),
  localAuth: json(r.local_auth, null),
  spam: json(r.spam, null),
  hops: json(r.hops, []),
  headers: withHeaders ? r.headers : null,
  error: r.error,
  decidedAt: r.decided_at,
});

export interface NewMessage {
  provider: string;
  seed: string;
  mailboxProvider: string;
  messageId: string;
  fromAddress: string;
}

/** Creates the test and all its messages in one transaction, so a test never exists half-planned. */
export async function createTest(
  db: Sql,
  test: { token: string; trigger: TestTrigger; startedAt: number; deadlineAt: number; lateAfterMs: number; providers: string[]; messages: NewMessage[]; owner: string },
): Promise<TestRow> {
  const statements: Statement[] = [
    {
      sql: "INSERT INTO tests (token, trigger, started_at, deadline_at, late_after_ms, providers, status, owner) VALUES (?, ?, ?, ?, ?, ?, 'sending', ?)",
      params: [test.token, test.trigger, test.startedAt, test.deadlineAt, test.lateAfterMs, JSON.stringify(test.providers), test.owner],
    },
    ...test.messages.map((m, position) => ({
      sql: `INSERT INTO messages (test_id, provider, seed, mailbox_provider, position, message_id, from_address)
            VALUES ((SELECT id FROM tests WHERE token = ?), ?, ?, ?, ?, ?, ?)`,
      params: [test.token, m.provider, m.seed, m.mailboxProvider, position, m.messageId, m.fromAddress],
    })),
  ];
  await db.batch(statements);
  return (await getTestByToken(db, test.token)) as TestRow;
}

export async function getTest(db: Sql, id: number): Promise<TestRow | undefined> {
  const row = await db.first<TestRecord>('SELECT * FROM tests WHERE id = ?', [id]);
  return row && toTest(row);
}

export async function getTestByToken(db: Sql, token: string): Promise<TestRow | undefined> {
  const row = await db.first<TestRecord>('SELECT * FROM tests WHERE token = ?', [token]);
  return row && toTest(row);
}

/**
 * Takes over the unfinished tests whose owner is gone (a crashed or stopped process), each with a
 * compare-and-set on its owner so two processes starting together never both resume one. A test of a
 * live process, here or on another host, is left to it.
 */
export async function claimOrphanedTests(db: Sql, owner: ProcessOwner): Promise<TestRow[]> {
  const rows = await db.all<TestRecord & { owner: string | null }>("SELECT * FROM tests WHERE status IN ('sending', 'collecting') ORDER BY started_at");
  const claimed: TestRow[] = [];
  for (const row of rows) {
    if (row.owner === owner.id || !(await owner.isGone(row.owner))) continue;
    const result = await db.run('UPDATE tests SET owner = ? WHERE id = ? AND owner IS ?', [owner.id, row.id, row.owner]);
    if (result.changes === 1) claimed.push(toTest(row));
  }
  return claimed;
}

export async function setTestStatus(db: Sql, id: number, status: TestStatus, at: number): Promise<void> {
  await db.run('UPDATE tests SET status = ?, finished_at = ? WHERE id = ?', [status, status === 'complete' ? at : null, id]);
}

/** Notes the run that completed these tests, so the run's facts can be read back (agent ingest). */
export async function linkTestsToRun(db: Sql, runId: number, testIds: readonly number[]): Promise<void> {
  for (const id of testIds) await db.run('UPDATE tests SET run_id = ? WHERE id = ?', [runId, id]);
}

/** The tests a run completed, oldest first. */
export async function testsOfRun(db: Sql, runId: number): Promise<TestRow[]> {
  const rows = await db.all<TestRecord>("SELECT * FROM tests WHERE run_id = ? AND status = 'complete' ORDER BY started_at, id", [runId]);
  return rows.map(toTest);
}

/**
 * Late arrivals decided in [from, to] on messages of tests other than `except`: what a run found of
 * messages earlier tests had reported missing.
 */
export async function lateVerdictsBetween(db: Sql, from: number, to: number, except: readonly number[]): Promise<Array<{ messageId: string; verdict: VerdictRow }>> {
  const rows = await db.all<VerdictRecord & { m_message_id: string }>(
    `SELECT v.*, m.message_id AS m_message_id FROM verdicts v JOIN messages m ON m.id = v.message_id
      WHERE v.late = 1 AND v.decided_at >= ? AND v.decided_at <= ? ORDER BY v.decided_at`,
    [from, to],
  );
  return rows.filter((r) => !except.includes(r.test_id)).map((r) => ({ messageId: r.m_message_id, verdict: toVerdict(r, true) }));
}

export async function messagesOf(db: Sql, testId: number): Promise<MessageRow[]> {
  const rows = await db.all<MessageRecord>('SELECT * FROM messages WHERE test_id = ? ORDER BY position', [testId]);
  return rows.map(toMessage);
}

/** Written (and committed) before the SMTP transaction starts: from here on the message is never sent again. */
export async function markSending(db: Sql, id: number, at: number): Promise<boolean> {
  const result = await db.run("UPDATE messages SET send_status = 'sending', send_started_at = ? WHERE id = ? AND send_status = 'pending'", [at, id]);
  return result.changes === 1;
}

export async function recordSent(db: Sql, id: number, sent: { at: number; response: string; queueId: string | null }): Promise<void> {
  await db.run("UPDATE messages SET send_status = 'sent', sent_at = ?, response = ?, queue_id = ? WHERE id = ?", [sent.at, sent.response, sent.queueId, id]);
}

export async function recordSendError(db: Sql, id: number, failure: { error: string; response: string | null }): Promise<void> {
  await db.run("UPDATE messages SET send_status = 'error', send_error = ?, response = ? WHERE id = ?", [failure.error, failure.response, id]);
}

/** A restart found these mid-transaction: whether the provider took them is unknown, so they are not sent again. */
export async function markInterruptedSends(db: Sql, testId: number): Promise<number> {
  const result = await db.run("UPDATE messages SET send_status = 'interrupted' WHERE test_id = ? AND send_status = 'sending'", [testId]);
  return result.changes;
}

export interface VerdictInput {
  message: MessageRow;
  testStartedAt: number;
  decidedAt: number;
  found?: FoundVerdict;
  localAuth?: AuthVerdicts | null;
  placement?: Placement;
  error?: string | null;
  /** For a verdict without a find: the folders we searched in vain. */
  foldersSearched?: string[];
}

/** Records (or replaces, when a missing message turns up late) the verdict on one message. */
export async function saveVerdict(db: Sql, input: VerdictInput): Promise<void> {
  const f = input.found;
  const placement = f?.placement ?? input.placement;
  if (placement === undefined) throw new Error('a verdict needs a placement');
  await db.run(
    `INSERT OR REPLACE INTO verdicts (message_id, test_id, test_started_at, provider, seed, mailbox_provider, placement, folder, labels,
       folders_searched, arrived_at, received_at, observed_at, latency_ms, latency_error_ms, latency_low_ms, latency_high_ms, latency_source, clock_skew_ms,
       late, receiver_auth, local_auth, spam, hops, headers, error, decided_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      input.message.id,
      input.message.testId,
      input.testStartedAt,
      input.message.provider,
      input.message.seed,
      input.message.mailboxProvider,
      placement,
      f?.folder ?? null,
      JSON.stringify(f?.labels ?? []),
      JSON.stringify(f?.foldersSearched ?? input.foldersSearched ?? []),
      f?.arrivedAt ?? null,
      f?.receivedAt ?? null,
      f?.observedAt ?? null,
      f?.latencyMs ?? null,
      f?.latencyErrorMs ?? null,
      f?.latencyLowMs ?? null,
      f?.latencyHighMs ?? null,
      f?.latencySource ?? null,
      f?.clockSkewMs ?? null,
      f?.late ? 1 : 0,
      f?.receiverAuth ? JSON.stringify(f.receiverAuth) : null,
      input.localAuth ? JSON.stringify(input.localAuth) : null,
      f ? JSON.stringify(f.spam) : null,
      JSON.stringify(f?.hops ?? []),
      f?.headers ?? null,
      input.error ?? null,
      input.decidedAt,
    ],
  );
}

export async function verdictsOf(db: Sql, testId: number, options: { headers: boolean }): Promise<VerdictRow[]> {
  const rows = await db.all<VerdictRecord>('SELECT * FROM verdicts WHERE test_id = ?', [testId]);
  return rows.map((r) => toVerdict(r, options.headers));
}

export interface MissingMessage {
  message: MessageRow;
  token: string;
  startedAt: number;
  lateAfterMs: number;
}

/** Messages still missing from tests started since `since`: a late arrival still gets recorded. */
export async function missingSince(db: Sql, since: number): Promise<MissingMessage[]> {
  const rows = await db.all<MessageRecord & { t_token: string; t_started_at: number; t_late_after_ms: number }>(
    `SELECT m.*, t.token AS t_token, t.started_at AS t_started_at, t.late_after_ms AS t_late_after_ms
       FROM verdicts v JOIN messages m ON m.id = v.message_id JOIN tests t ON t.id = v.test_id
      WHERE v.placement = 'missing' AND v.test_started_at >= ?`,
    [since],
  );
  return rows.map((r) => ({ message: toMessage(r), token: r.t_token, startedAt: r.t_started_at, lateAfterMs: r.t_late_after_ms }));
}

export interface TestSummary extends TestRow {
  messages: number;
  counts: Partial<Record<Placement | 'pending', number>>;
}

export async function listTests(db: Sql, options: { limit: number; before?: number }): Promise<TestSummary[]> {
  const tests = await db.all<TestRecord>('SELECT * FROM tests WHERE (? IS NULL OR started_at < ?) ORDER BY started_at DESC, id DESC LIMIT ?', [
    options.before ?? null,
    options.before ?? null,
    options.limit,
  ]);
  if (tests.length === 0) return [];
  const ids = tests.map((t) => t.id);
  // Messages and verdicts are counted apart, each through an index holding all it needs; a message
  // without a verdict yet is pending.
  const [messages, verdicts] = await Promise.all([
    allInChunks(ids, (marks, slice) =>
      db.all<{ test_id: number; n: number }>(`SELECT test_id, COUNT(*) AS n FROM messages WHERE test_id IN (${marks}) GROUP BY test_id`, slice),
    ),
    allInChunks(ids, (marks, slice) =>
      db.all<{ test_id: number; placement: Placement; n: number }>(
        `SELECT test_id, placement, COUNT(*) AS n FROM verdicts WHERE test_id IN (${marks}) GROUP BY test_id, placement`,
        slice,
      ),
    ),
  ]);
  const sent = new Map(messages.map((m) => [m.test_id, m.n]));
  return tests.map((t) => {
    const tally: TestSummary['counts'] = {};
    let decided = 0;
    for (const v of verdicts.filter((c) => c.test_id === t.id)) {
      tally[v.placement] = v.n;
      decided += v.n;
    }
    const total = sent.get(t.id) ?? 0;
    if (total > decided) tally.pending = total - decided;
    return { ...toTest(t), messages: total, counts: tally };
  });
}

export type GroupBy = 'provider' | 'mailboxProvider' | 'day';

const GROUP_COLUMN: Record<GroupBy, string> = {
  provider: 'provider',
  mailboxProvider: 'mailbox_provider',
  // The UTC day as YYYY-MM-DD; the same expression works on SQLite and D1.
  day: "strftime('%Y-%m-%d', test_started_at / 1000, 'unixepoch')",
};

export async function placementSamples(db: Sql, options: { from: number; to: number; groupBy: GroupBy }): Promise<VerdictSample[]> {
  const rows = await db.all<{ key: string; placement: Placement; latency_low_ms: number | null; latency_high_ms: number | null; late: number }>(
    `SELECT ${GROUP_COLUMN[options.groupBy]} AS key, placement, latency_low_ms, latency_high_ms, late FROM verdicts
      WHERE test_started_at >= ? AND test_started_at < ?`,
    [options.from, options.to],
  );
  return rows.map((r) => ({
    key: r.key,
    placement: r.placement,
    latency: r.latency_low_ms === null || r.latency_high_ms === null ? null : { low: r.latency_low_ms, high: r.latency_high_ms },
    late: r.late === 1,
  }));
}

export interface SeedHealth {
  seed: string;
  lastLoginAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
  consecutiveFailures: number;
  quotaUsedBytes: number | null;
  quotaLimitBytes: number | null;
  quotaWarning: string | null;
  updatedAt: number;
}

export async function recordSeedLogin(db: Sql, seed: string, at: number, quota?: { used: number; limit: number; warning: string | null }): Promise<void> {
  await db.run(
    `INSERT INTO seed_health (seed, last_login_at, consecutive_failures, quota_used_bytes, quota_limit_bytes, quota_warning, updated_at)
     VALUES (?, ?, 0, ?, ?, ?, ?)
     ON CONFLICT (seed) DO UPDATE SET last_login_at = excluded.last_login_at, consecutive_failures = 0, updated_at = excluded.updated_at,
       quota_used_bytes = COALESCE(excluded.quota_used_bytes, quota_used_bytes), quota_limit_bytes = COALESCE(excluded.quota_limit_bytes, quota_limit_bytes),
       quota_warning = CASE WHEN excluded.quota_used_bytes IS NULL THEN quota_warning ELSE excluded.quota_warning END`,
    [seed, at, quota?.used ?? null, quota?.limit ?? null, quota?.warning ?? null, at],
  );
}

export async function recordSeedFailure(db: Sql, seed: string, at: number, error: string): Promise<void> {
  await db.run(
    `INSERT INTO seed_health (seed, last_failure_at, last_error, consecutive_failures, updated_at) VALUES (?, ?, ?, 1, ?)
     ON CONFLICT (seed) DO UPDATE SET last_failure_at = excluded.last_failure_at, last_error = excluded.last_error,
       consecutive_failures = consecutive_failures + 1, updated_at = excluded.updated_at`,
    [seed, at, error, at],
  );
}

export async function listSeedHealth(db: Sql): Promise<SeedHealth[]> {
  const rows = await db.all<{
    seed: string;
    last_login_at: number | null;
    last_failure_at: number | null;
    last_error: string | null;
    consecutive_failures: number;
    quota_used_bytes: number | null;
    quota_limit_bytes: number | null;
    quota_warning: string | null;
    updated_at: number;
  }>('SELECT * FROM seed_health ORDER BY seed');
  return rows.map((r) => ({
    seed: r.seed,
    lastLoginAt: r.last_login_at,
    lastFailureAt: r.last_failure_at,
    lastError: r.last_error,
    consecutiveFailures: r.consecutive_failures,
    quotaUsedBytes: r.quota_used_bytes,
    quotaLimitBytes: r.quota_limit_bytes,
    quotaWarning: r.quota_warning,
    updatedAt: r.updated_at,
  }));
}
