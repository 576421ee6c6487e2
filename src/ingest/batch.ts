/**
 * The agent ingest format. An agent (`inboxwatch agent`) runs the probe jobs against a local store, reads
 * each finished run back with `exportRun` and posts the runs, a few at a time, as a batch to
 * `POST /api/ingest`, where `importBatch` writes them into the server's store.
 *
 * - A batch has an id the agent chooses (a UUID) and keeps while it retries: the server records the id in
 *   the same transaction as the facts, so a batch sent twice is stored once and answered `duplicate`.
 * - Each run carries its run record (job, trigger, times, status, summary, error) and the facts it stored,
 *   shaped by its job. Ids are the agent's own; the server gives every row a new one and keeps the agent's
 *   run id beside it.
 * - Observations travel, not conclusions drawn from the agent's own history: a blocklist sweep carries what
 *   each check saw and the server derives transitions (listed, delisted, errors) from its own current state,
 *   so a sweep arriving late or from a second agent never invents a change; an audit carries the record sets
 *   it saw and the server diffs them against its own snapshots. A placement test is a fact of its own
 *   (unique token and Message-IDs) and is copied whole, verdicts with headers and evidence as stored.
 * - Only finished runs and completed placement tests travel: nothing on the server is left for it to resume.
 * - Reports travel as the rows the agent's store kept (it keeps a stored report's parsed rows, not its file, so
 *   the server cannot parse the file again); the server keeps one copy of each report by the same identity its
 *   own de-duplication uses (org, report id, domain and period; a failure report's content key).
 * Times are UTC epoch milliseconds, as in the store.
 */
import { z } from 'zod';
import { rowOf } from './report-rows.js';

/** Bumped when the format changes incompatibly; the server refuses versions it does not read. */
export const INGEST_VERSION = 1;

/**
 * Largest request body `POST /api/ingest` takes. One batch is one transaction on the server (on Workers, one
 * D1 batch, which must finish within D1's 30 s query limit, with no row over 2 MB): 5 MiB holds a placement
 * test of about 400 messages with full headers (10-12 KB each) or tens of thousands of blocklist results,
 * and a backlog larger than that goes as several batches.
 */
export const MAX_BATCH_BYTES = 5 * 1024 * 1024;

/** The jobs whose runs an agent can ship. */
export const INGEST_JOBS = ['blocklists', 'placement', 'audit', 'reports'] as const;
export type IngestJob = (typeof INGEST_JOBS)[number];

const MAX_EPOCH_MS = 8.64e15;
const epochMs = z.number().int().min(0).max(MAX_EPOCH_MS);
const text = (max: number) => z.string().max(max);
const json = z.json();

const runRecord = z.strictObject({
  /** The run's id in the agent's store. */
  id: z.number().int().positive(),
  trigger: z.enum(['schedule', 'manual', 'api']),
  startedAt: epochMs,
  finishedAt: epochMs,
  status: z.enum(['ok', 'error', 'interrupted']),
  summary: text(10_000).nullable(),
  error: text(10_000).nullable(),
});

// Blocklists: what each check saw (a held 'suspect' listing travels as the listing it is) and each list's health.
const blocklistResult = z.strictObject({
  target: text(253).min(1),
  zone: text(253).min(1),
  list: text(200),
  status: z.enum(['listed', 'clean', 'error']),
  severity: z.enum(['high', 'info']).nullable(),
  allowlisted: z.boolean(),
  codes: z.array(text(100)).max(50),
  meaning: text(2000).nullable(),
  reason: text(2000).nullable(),
  delistUrl: text(2000).nullable(),
  error: text(2000).nullable(),
});

const listHealth = z.strictObject({
  zone: text(253).min(1),
  list: text(200),
  healthy: z.boolean(),
  cause: text(2000).nullable(),
});

const blocklistSweep = z.strictObject({
  at: epochMs,
  /** Every configured target and list was checked: pairs the sweep did not cover are dropped, as on the server. */
  complete: z.boolean(),
  results: z.array(blocklistResult).max(100_000),
  health: z.array(listHealth).max(10_000),
});

// Placement: completed tests with every message, its send result and its verdict as stored.
const authVerdicts = z.looseObject({
  summary: z.looseObject({ spf: z.string(), dkim: z.string(), dmarc: z.string() }),
  details: z.array(z.looseObject({ method: z.string(), result: z.string() })),
  by: z.string(),
});

const verdict = z.strictObject({
  placement: z.enum(['inbox', 'spam', 'promotions', 'social', 'updates', 'forums', 'other-folder', 'missing', 'error', 'send-error']),
  folder: text(1000).nullable(),
  labels: z.array(text(1000)).max(1000),
  foldersSearched: z.array(text(1000)).max(1000),
  arrivedAt: epochMs.nullable(),
  receivedAt: epochMs.nullable(),
  observedAt: epochMs.nullable(),
  latencyMs: z.number().int().nullable(),
  latencyErrorMs: z.number().int().nullable(),
  latencyLowMs: z.number().int().nullable(),
  latencyHighMs: z.number().int().nullable(),
  latencySource: text(100).nullable(),
  clockSkewMs: z.number().int().nullable(),
  late: z.boolean(),
  receiverAuth: authVerdicts.nullable(),
  localAuth: authVerdicts.nullable(),
  spam: z.looseObject({ headers: z.record(z.string(), z.array(z.string())) }).nullable(),
  hops: z.array(z.record(z.string(), json)).max(100),
  headers: text(1_000_000).nullable(),
  error: text(10_000).nullable(),
  decidedAt: epochMs,
});

const message = z.strictObject({
  provider: text(200).min(1),
  seed: text(320).min(1),
  mailboxProvider: text(100).min(1),
  position: z.number().int().min(0),
  messageId: text(1000).min(1),
  fromAddress: text(320).min(1),
  sendStatus: z.enum(['pending', 'sending', 'sent', 'error', 'interrupted']),
  sendStartedAt: epochMs.nullable(),
  sentAt: epochMs.nullable(),
  response: text(10_000).nullable(),
  queueId: text(1000).nullable(),
  sendError: text(10_000).nullable(),
  verdict: verdict.nullable(),
});

const placementTest = z.strictObject({
  /** The test's id in the agent's store. */
  id: z.number().int().positive(),
  token: text(200).min(1),
  trigger: z.enum(['cli', 'schedule', 'manual', 'api']),
  startedAt: epochMs,
  deadlineAt: epochMs,
  lateAfterMs: z.number().int().min(0),
  providers: z.array(text(200)).max(1000),
  finishedAt: epochMs,
  messages: z.array(message).max(100_000),
});

/** A message an earlier test reported missing that this run found after all. */
const lateVerdict = z.strictObject({ messageId: text(1000).min(1), verdict });

const seedHealth = z.strictObject({
  seed: text(320).min(1),
  lastLoginAt: epochMs.nullable(),
  lastFailureAt: epochMs.nullable(),
  lastError: text(10_000).nullable(),
  consecutiveFailures: z.number().int().min(0),
  quotaUsedBytes: z.number().int().min(0).nullable(),
  quotaLimitBytes: z.number().int().min(0).nullable(),
  quotaWarning: text(2000).nullable(),
  updatedAt: epochMs,
});

// Audits: one per domain, with its checks and the record sets it saw.
const auditCheck = z.strictObject({
  id: text(200).min(1),
  subject: text(1000).nullable(),
  status: z.enum(['pass', 'warn', 'fail', 'error', 'info']),
  message: text(100_000),
  remediation: text(100_000).nullable(),
  evidence: z.record(z.string(), json),
});

const domainAudit = z.strictObject({
  domain: text(253).min(1),
  startedAt: epochMs,
  finishedAt: epochMs,
  checks: z.array(auditCheck).max(10_000),
  records: z.record(z.string().min(1).max(100), z.strictObject({ name: text(1000), records: z.array(text(100_000)).max(10_000).nullable() })),
});

// Reports: what a reports run took in (every file or part offered, and what became of it) and the rows stored
// for each report it stored or found already stored, as the agent's store kept them.
const storedReport = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('aggregate'), id: z.number().int().positive(), report: rowOf('dmarc_reports'), rows: z.array(rowOf('dmarc_rows')).max(1_000_000) }),
  z.strictObject({ kind: z.literal('tls'), id: z.number().int().positive(), report: rowOf('tls_reports'), policies: z.array(rowOf('tls_policies')).max(100_000) }),
  z.strictObject({ kind: z.literal('failure'), id: z.number().int().positive(), report: rowOf('failure_reports') }),
]);

const intake = z.strictObject({
  receivedAt: epochMs,
  source: z.enum(['imap', 'folder', 'upload', 'cli']),
  name: text(1000),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 in lower-case hex'),
  size: z.number().int().min(0),
  status: z.enum(['stored', 'duplicate', 'rejected']),
  kind: z.enum(['aggregate', 'failure', 'tls']).nullable(),
  /** The agent's id of the stored report (among `reports`, by kind) this file was, or duplicated. */
  report: z.number().int().positive().nullable(),
  error: text(10_000).nullable(),
  /** A rejected file's content when it was safe to keep, base64. */
  content: z.base64().max(MAX_BATCH_BYTES).nullable(),
});

const blocklistsRun = z.strictObject({ job: z.literal('blocklists'), run: runRecord, sweep: blocklistSweep.nullable() });
const placementRun = z.strictObject({
  job: z.literal('placement'),
  run: runRecord,
  tests: z.array(placementTest).max(1000),
  lateVerdicts: z.array(lateVerdict).max(100_000),
  seeds: z.array(seedHealth).max(10_000),
});
const auditRun = z.strictObject({ job: z.literal('audit'), run: runRecord, audits: z.array(domainAudit).max(10_000) });

const reportsRun = z.strictObject({
  job: z.literal('reports'),
  run: runRecord,
  reports: z.array(storedReport).max(100_000),
  intake: z.array(intake).max(100_000),
  /** Report source IPs looked up (reverse DNS, a label) while the run went. */
  sources: z.array(rowOf('report_sources')).max(100_000),
});

const ingestRun = z.discriminatedUnion('job', [blocklistsRun, placementRun, auditRun, reportsRun]);

export const batchSchema = z.strictObject({
  version: z.literal(INGEST_VERSION),
  id: z.string().min(1).max(100),
  /** How the agent names itself (a host or region); the server also keeps the token's name. */
  agent: z.string().min(1).max(200).optional(),
  runs: z.array(ingestRun).min(1).max(10_000),
});

export type IngestBatch = z.infer<typeof batchSchema>;
export type IngestRun = z.infer<typeof ingestRun>;
export type RunRecord = z.infer<typeof runRecord>;
export type BlocklistsRun = z.infer<typeof blocklistsRun>;
export type BlocklistSweep = z.infer<typeof blocklistSweep>;
export type PlacementRun = z.infer<typeof placementRun>;
export type PlacementTestFacts = z.infer<typeof placementTest>;
export type MessageFacts = z.infer<typeof message>;
export type VerdictFacts = z.infer<typeof verdict>;
export type SeedHealthFacts = z.infer<typeof seedHealth>;
export type AuditRun = z.infer<typeof auditRun>;
export type DomainAuditFacts = z.infer<typeof domainAudit>;
export type ReportsRun = z.infer<typeof reportsRun>;
export type StoredReportFacts = z.infer<typeof storedReport>;
export type IntakeFacts = z.infer<typeof intake>;

/** A batch that does not match the format; `path` is the JSON path of the first problem, e.g. `runs[0].job`. */
export class BatchFormatError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly others: number,
  ) {
    super(`${path}: ${problem}${others > 0 ? ` (and ${others} more problem${others === 1 ? '' : 's'})` : ''}`);
    this.name = 'BatchFormatError';
  }
}

/** Validates a parsed JSON body as a batch, or throws a BatchFormatError naming where it is wrong. */
export function parseBatch(body: unknown): IngestBatch {
  const parsed = batchSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const [first, ...rest] = parsed.error.issues;
  if (!first) throw new BatchFormatError('$', 'invalid', 0);
  throw new BatchFormatError(jsonPath(first.path), describe(first, body), rest.length);
}

function describe(issue: z.core.$ZodIssue, body: unknown): string {
  if (issue.code === 'invalid_union' && issue.path.at(-1) === 'job') {
    const given = valueAt(body, issue.path);
    return `unknown job ${JSON.stringify(given)}; ingest takes runs of ${INGEST_JOBS.join(', ')}`;
  }
  if (issue.code === 'invalid_value' && issue.path.length === 1 && issue.path[0] === 'version') {
    return `unsupported version ${JSON.stringify(valueAt(body, issue.path))}; this server reads version ${INGEST_VERSION}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  return issue.message;
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** `runs[0].tests[2].token`, as a reader of the JSON would write it. */
export function jsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '$';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`)).join('');
}
