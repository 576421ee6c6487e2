import { lateVerdictsBetween, listSeedHealth, messagesOf, testsOfRun, verdictsOf, type VerdictRow } from '../placement/store.js';
import type { Run } from '../store/runs.js';
import type { Sql, SqlValue, Statement } from '../store/sql.js';
import type { PlacementRun, VerdictFacts } from './batch.js';
import { idOf, noteId } from './ids.js';

/**
 * What a placement run stored, read back: the tests it completed with every message and verdict (headers
 * included), the late finds it made on earlier tests' messages, and the seed mailboxes' health as it left it.
 */
export async function exportPlacement(db: Sql, run: Run & { finishedAt: number }): Promise<Omit<PlacementRun, 'job' | 'run'>> {
  const tests = await testsOfRun(db, run.id);
  const facts = await Promise.all(
    tests.map(async (test) => {
      const verdicts = new Map((await verdictsOf(db, test.id, { headers: true })).map((v) => [v.messageId, v]));
      const messages = await messagesOf(db, test.id);
      return {
        id: test.id,
        token: test.token,
        trigger: test.trigger,
        startedAt: test.startedAt,
        deadlineAt: test.deadlineAt,
        lateAfterMs: test.lateAfterMs,
        providers: test.providers,
        finishedAt: test.finishedAt ?? run.finishedAt,
        messages: messages.map((m) => {
          const verdict = verdicts.get(m.id);
          return {
            provider: m.provider,
            seed: m.seed,
            mailboxProvider: m.mailboxProvider,
            position: m.position,
            messageId: m.messageId,
            fromAddress: m.fromAddress,
            sendStatus: m.sendStatus,
            sendStartedAt: m.sendStartedAt,
            sentAt: m.sentAt,
            response: m.response,
            queueId: m.queueId,
            sendError: m.sendError,
            verdict: verdict ? verdictFacts(verdict) : null,
          };
        }),
      };
    }),
  );
  const late = await lateVerdictsBetween(db, run.startedAt, run.finishedAt, tests.map((t) => t.id));
  const seeds = (await listSeedHealth(db)).filter((s) => s.updatedAt >= run.startedAt && s.updatedAt <= run.finishedAt);
  return { tests: facts, lateVerdicts: late.map((l) => ({ messageId: l.messageId, verdict: verdictFacts(l.verdict) })), seeds };
}

function verdictFacts(v: VerdictRow): VerdictFacts {
  return {
    placement: v.placement,
    folder: v.folder,
    labels: v.labels,
    foldersSearched: v.foldersSearched,
    arrivedAt: v.arrivedAt,
    receivedAt: v.receivedAt,
    observedAt: v.observedAt,
    latencyMs: v.latencyMs,
    latencyErrorMs: v.latencyErrorMs,
    latencyLowMs: v.latencyLowMs,
    latencyHighMs: v.latencyHighMs,
    latencySource: v.latencySource,
    clockSkewMs: v.clockSkewMs,
    late: v.late,
    receiverAuth: v.receiverAuth as VerdictFacts['receiverAuth'],
    localAuth: v.localAuth as VerdictFacts['localAuth'],
    spam: v.spam as VerdictFacts['spam'],
    hops: v.hops as unknown as VerdictFacts['hops'],
    headers: v.headers,
    error: v.error,
    decidedAt: v.decidedAt,
  };
}

const VERDICT_COLUMNS = `placement, folder, labels, folders_searched, arrived_at, received_at, observed_at, latency_ms, latency_error_ms,
  latency_low_ms, latency_high_ms, latency_source, clock_skew_ms, late, receiver_auth, local_auth, spam, hops, headers, error, decided_at`;
const VERDICT_MARKS = Array.from({ length: 21 }, () => '?').join(', ');

function verdictValues(v: VerdictFacts): SqlValue[] {
  const jsonOrNull = (value: unknown) => (value === null ? null : JSON.stringify(value));
  return [
    v.placement,
    v.folder,
    JSON.stringify(v.labels),
    JSON.stringify(v.foldersSearched),
    v.arrivedAt,
    v.receivedAt,
    v.observedAt,
    v.latencyMs,
    v.latencyErrorMs,
    v.latencyLowMs,
    v.latencyHighMs,
    v.latencySource,
    v.clockSkewMs,
    v.late ? 1 : 0,
    jsonOrNull(v.receiverAuth),
    jsonOrNull(v.localAuth),
    jsonOrNull(v.spam),
    JSON.stringify(v.hops),
    v.headers,
    v.error,
    v.decidedAt,
  ];
}

/**
 * The statements that copy agents' placement runs in. A test is a fact of its own (its token and Message-IDs
 * are unique), so it is copied whole, complete; one the server already has (the same run sent under another
 * batch id) is left as it is, messages and verdicts included. A late find replaces the verdict of a message the
 * server has, unless the server already holds a later decision; seed health is taken where it is newer.
 */
export function placementImport(batch: string, runs: readonly PlacementRun[]): { statements: Statement[]; facts: number } {
  const statements: Statement[] = [];
  let facts = 0;
  for (const { run, tests, lateVerdicts, seeds } of runs) {
    const runRef = idOf(batch, 'run', run.id);
    for (const test of tests) {
      const testRef = idOf(batch, 'test', test.id);
      statements.push(
        {
          sql: `INSERT INTO tests (token, trigger, started_at, deadline_at, late_after_ms, providers, status, finished_at, run_id)
                SELECT ?, ?, ?, ?, ?, ?, 'complete', ?, (${runRef.sql}) WHERE true ON CONFLICT (token) DO NOTHING`,
          params: [test.token, test.trigger, test.startedAt, test.deadlineAt, test.lateAfterMs, JSON.stringify(test.providers), test.finishedAt, ...runRef.params],
        },
        noteId(batch, 'test', test.id),
      );
      for (const m of test.messages) {
        statements.push({
          sql: `INSERT INTO messages (test_id, provider, seed, mailbox_provider, position, message_id, from_address, send_status, send_started_at, sent_at, response, queue_id, send_error)
                SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM ingest_ids WHERE batch = ? AND kind = ? AND local_id = ?`,
          params: [m.provider, m.seed, m.mailboxProvider, m.position, m.messageId, m.fromAddress, m.sendStatus, m.sendStartedAt, m.sentAt, m.response, m.queueId, m.sendError, ...testRef.params],
        });
        if (m.verdict) {
          statements.push({
            sql: `INSERT INTO verdicts (message_id, test_id, test_started_at, provider, seed, mailbox_provider, ${VERDICT_COLUMNS})
                  SELECT m.id, m.test_id, ?, m.provider, m.seed, m.mailbox_provider, ${VERDICT_MARKS}
                    FROM messages m WHERE m.message_id = ? AND m.test_id = (${testRef.sql})`,
            params: [test.startedAt, ...verdictValues(m.verdict), m.messageId, ...testRef.params],
          });
        }
        facts++;
      }
    }
    for (const late of lateVerdicts) {
      statements.push({
        sql: `INSERT OR REPLACE INTO verdicts (message_id, test_id, test_started_at, provider, seed, mailbox_provider, ${VERDICT_COLUMNS})
              SELECT m.id, m.test_id, t.started_at, m.provider, m.seed, m.mailbox_provider, ${VERDICT_MARKS}
                FROM messages m JOIN tests t ON t.id = m.test_id
               WHERE m.message_id = ? AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.message_id = m.id AND v.decided_at >= ?)`,
        params: [...verdictValues(late.verdict), late.messageId, late.verdict.decidedAt],
      });
      facts++;
    }
    for (const s of seeds) {
      statements.push({
        sql: `INSERT INTO seed_health (seed, last_login_at, last_failure_at, last_error, consecutive_failures, quota_used_bytes, quota_limit_bytes, quota_warning, updated_at)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (seed) DO UPDATE SET last_login_at = excluded.last_login_at, last_failure_at = excluded.last_failure_at, last_error = excluded.last_error,
                consecutive_failures = excluded.consecutive_failures, quota_used_bytes = excluded.quota_used_bytes, quota_limit_bytes = excluded.quota_limit_bytes,
                quota_warning = excluded.quota_warning, updated_at = excluded.updated_at
              WHERE excluded.updated_at > seed_health.updated_at`,
        params: [s.seed, s.lastLoginAt, s.lastFailureAt, s.lastError, s.consecutiveFailures, s.quotaUsedBytes, s.quotaLimitBytes, s.quotaWarning, s.updatedAt],
      });
    }
  }
  return { statements, facts };
}
