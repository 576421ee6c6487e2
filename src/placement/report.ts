import type { Sql } from '../store/sql.js';
import { getTest, messagesOf, verdictsOf, type MessageRow, type TestRow, type VerdictRow } from './store.js';
import type { AuthSummary, Placement, SpamIndicators } from './types.js';

export interface SeedReport {
  seed: string;
  mailboxProvider: string;
  messageId: string;
  send: { status: MessageRow['sendStatus']; response: string | null; at: number | null; queueId: string | null };
  placement: Placement | 'pending';
  folder: string | null;
  labels: string[];
  foldersSearched: string[];
  late: boolean;
  /** The midpoint of the latency interval: the true latency is within latencyMs ± latencyErrorMs. */
  latencyMs: number | null;
  latencyErrorMs: number | null;
  clockSkewMs: number | null;
  arrivedAt: number | null;
  /** Our own verification of the message as it arrived. */
  auth: AuthSummary | null;
  /** What the receiver wrote in its Authentication-Results. */
  receiverAuth: AuthSummary | null;
  spam: Omit<SpamIndicators, 'headers'> | null;
  error: string | null;
  /** The evidence behind the verdict, in the detailed view only. */
  evidence?: {
    headers: string | null;
    hops: VerdictRow['hops'];
    receiverAuth: VerdictRow['receiverAuth'];
    localAuth: VerdictRow['localAuth'];
    spamHeaders: Record<string, string[]>;
    receivedAt: number | null;
    observedAt: number | null;
    latencySource: string | null;
    /** The latency interval the midpoint and error were taken from. */
    latencyBounds: { low: number; high: number } | null;
  };
}

export interface ProviderReport {
  provider: string;
  send: { status: 'sent' | 'partial' | 'error' | 'pending'; sent: number; failed: number };
  seeds: SeedReport[];
}

export interface TestReport {
  test: { id: number; token: string; startedAt: number; deadlineAt: number; status: TestRow['status']; finishedAt: number | null };
  providers: ProviderReport[];
}

function seedReport(message: MessageRow, verdict: VerdictRow | undefined, withHeaders: boolean): SeedReport {
  const spam = verdict?.spam ? (({ headers: _headers, ...rest }) => rest)(verdict.spam) : null;
  const report: SeedReport = {
    seed: message.seed,
    mailboxProvider: message.mailboxProvider,
    messageId: message.messageId,
    send: { status: message.sendStatus, response: message.response, at: message.sentAt, queueId: message.queueId },
    placement: verdict?.placement ?? 'pending',
    folder: verdict?.folder ?? null,
    labels: verdict?.labels ?? [],
    foldersSearched: verdict?.foldersSearched ?? [],
    late: verdict?.late ?? false,
    latencyMs: verdict?.latencyMs ?? null,
    latencyErrorMs: verdict?.latencyErrorMs ?? null,
    clockSkewMs: verdict?.clockSkewMs ?? null,
    arrivedAt: verdict?.arrivedAt ?? null,
    auth: verdict?.localAuth?.summary ?? null,
    receiverAuth: verdict?.receiverAuth?.summary ?? null,
    spam,
    error: verdict?.error ?? message.sendError ?? null,
  };
  if (withHeaders) {
    report.evidence = {
      headers: verdict?.headers ?? null,
      hops: verdict?.hops ?? [],
      receiverAuth: verdict?.receiverAuth ?? null,
      localAuth: verdict?.localAuth ?? null,
      spamHeaders: verdict?.spam?.headers ?? {},
      receivedAt: verdict?.receivedAt ?? null,
      observedAt: verdict?.observedAt ?? null,
      latencySource: verdict?.latencySource ?? null,
      latencyBounds: latencyBounds(verdict),
    };
  }
  return report;
}

function latencyBounds(verdict: VerdictRow | undefined): { low: number; high: number } | null {
  const low = verdict?.latencyLowMs ?? null;
  const high = verdict?.latencyHighMs ?? null;
  return low === null || high === null ? null : { low, high };
}

function sendStatus(seeds: readonly SeedReport[]): ProviderReport['send'] {
  const sent = seeds.filter((s) => s.send.status === 'sent').length;
  const failed = seeds.filter((s) => s.send.status === 'error' || s.send.status === 'interrupted').length;
  const status = failed === 0 ? (sent === seeds.length ? 'sent' : 'pending') : sent === 0 ? 'error' : 'partial';
  return { status, sent, failed };
}

/** The whole test as the CLI's --json and the API show it, built from what is stored. */
export async function testReport(db: Sql, id: number, options: { headers?: boolean } = {}): Promise<TestReport | undefined> {
  const test = await getTest(db, id);
  if (!test) return undefined;
  const messages = await messagesOf(db, id);
  const verdicts = new Map((await verdictsOf(db, id, { headers: options.headers ?? false })).map((v) => [v.messageId, v]));
  const providers = test.providers.map((provider) => {
    const seeds = messages
      .filter((m) => m.provider === provider)
      .sort((a, b) => a.seed.localeCompare(b.seed))
      .map((m) => seedReport(m, verdicts.get(m.id), options.headers ?? false));
    return { provider, send: sendStatus(seeds), seeds };
  });
  return {
    test: { id: test.id, token: test.token, startedAt: test.startedAt, deadlineAt: test.deadlineAt, status: test.status, finishedAt: test.finishedAt },
    providers,
  };
}

/** 0 when the test completed; 1 when a provider failed to send anything or any seed errored. */
export function reportFailed(report: TestReport): boolean {
  return report.providers.some((p) => p.send.failed > 0 || p.seeds.some((s) => s.placement === 'error'));
}
