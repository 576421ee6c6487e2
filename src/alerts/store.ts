import { currentHealth, currentStatuses } from '../blocklists/store.js';
import type { Pruner } from '../jobs/housekeeping.js';
import { allInChunks } from '../store/chunks.js';
import type { Sql, SqlValue, Statement } from '../store/sql.js';
import type { AuditFact, AuthResult, CheckFact, Facts, RecordChangeFact, RunFact, SendFact, SeedFact, VerdictFact } from './rule-facts.js';
import type { IncidentDraft } from './incidents.js';
import { loadDmarcFacts, type DmarcNeeds } from './report-facts.js';
import type { MetricsSnapshot } from './metrics.js';
import type { AlertSeverity, Incident, IncidentState, Notification, RuleType } from './types.js';

/** Cursors start this far back when a database first meets the alerts, so old history is not announced. */
const FIRST_LOOK_BACK = 86_400_000;

export async function loadFacts(
  db: Sql,
  options: { verdictTests: number; now: number; auditsAfter: number | undefined; changesAfter: number | undefined; dmarc: DmarcNeeds },
): Promise<Facts> {
  const [statuses, health, latestRuns, seeds, sends, verdicts, audits, recordChanges, dmarc] = await Promise.all([
    currentStatuses(db),
    currentHealth(db),
    loadRuns(db),
    loadSeeds(db),
    loadSends(db),
    options.verdictTests > 0 ? loadVerdicts(db, options.verdictTests) : Promise.resolve([]),
    loadAudits(db, options.auditsAfter, options.now - FIRST_LOOK_BACK),
    loadChanges(db, options.changesAfter, options.now - FIRST_LOOK_BACK),
    loadDmarcFacts(db, options.dmarc, options.now),
  ]);
  return { blocklistStatuses: [...statuses.values()], blocklistHealth: [...health.values()], latestRuns, seeds, sends, verdicts, audits, recordChanges, dmarc };
}

async function loadRuns(db: Sql): Promise<RunFact[]> {
  const jobs = await db.all<{ job: string }>('SELECT DISTINCT job FROM runs');
  const facts: RunFact[] = [];
  for (const { job } of jobs) {
    const rows = await db.all<{ id: number; status: 'ok' | 'error'; started_at: number; finished_at: number; error: string | null }>(
      "SELECT id, status, started_at, finished_at, error FROM runs WHERE job = ? AND status IN ('ok', 'error') ORDER BY started_at DESC, id DESC LIMIT 100",
      [job],
    );
    const last = rows[0];
    if (!last) continue;
    const okAt = rows.findIndex((r) => r.status === 'ok');
    const failures = okAt === -1 ? rows.length : okAt;
    facts.push({
      id: last.id,
      job,
      status: last.status,
      finishedAt: last.finished_at,
      error: last.error,
      failures,
      failingSince: failures > 0 ? (rows[failures - 1]?.started_at ?? null) : null,
    });
  }
  return facts;
}

async function loadSeeds(db: Sql): Promise<SeedFact[]> {
  const rows = await db.all<{ seed: string; consecutive_failures: number; last_error: string | null; last_failure_at: number | null; updated_at: number }>(
    'SELECT seed, consecutive_failures, last_error, last_failure_at, updated_at FROM seed_health',
  );
  return rows.map((r) => ({ seed: r.seed, consecutiveFailures: r.consecutive_failures, lastError: r.last_error, lastFailureAt: r.last_failure_at, updatedAt: r.updated_at }));
}

async function loadSends(db: Sql): Promise<SendFact[]> {
  const rows = await db.all<{ provider: string; test_id: number; started_at: number; sent: number; failed: number; last_error: string | null }>(
    `SELECT m.provider, m.test_id, t.started_at,
            SUM(CASE WHEN m.send_status = 'sent' THEN 1 ELSE 0 END) AS sent,
            SUM(CASE WHEN m.send_status = 'error' THEN 1 ELSE 0 END) AS failed,
            MAX(m.send_error) AS last_error
       FROM messages m JOIN tests t ON t.id = m.test_id
      WHERE m.test_id = (SELECT MAX(m2.test_id) FROM messages m2 WHERE m2.provider = m.provider)
      GROUP BY m.provider, m.test_id, t.started_at`,
  );
  return rows.map((r) => ({ provider: r.provider, testId: r.test_id, startedAt: r.started_at, sent: r.sent, failed: r.failed, lastError: r.last_error }));
}

async function loadVerdicts(db: Sql, tests: number): Promise<VerdictFact[]> {
  const rows = await db.all<{ test_id: number; test_started_at: number; provider: string; mailbox_provider: string; seed: string; placement: string; receiver_auth: string | null }>(
    `SELECT test_id, test_started_at, provider, mailbox_provider, seed, placement, receiver_auth FROM verdicts
      WHERE test_id IN (SELECT id FROM tests WHERE status = 'complete' ORDER BY started_at DESC LIMIT ?)
      ORDER BY test_started_at DESC, test_id DESC`,
    [tests],
  );
  return rows.map((r) => ({
    testId: r.test_id,
    testStartedAt: r.test_started_at,
    provider: r.provider,
    mailboxProvider: r.mailbox_provider,
    seed: r.seed,
    placement: r.placement,
    auth: r.receiver_auth ? (JSON.parse(r.receiver_auth) as { summary: { spf: AuthResult; dkim: AuthResult; dmarc: AuthResult } }).summary : null,
  }));
}

interface CheckRow {
  audit_id: number;
  check_id: string;
  subject: string | null;
  status: CheckFact['status'];
  message: string;
  remediation: string | null;
}

const toCheck = (r: CheckRow): CheckFact => ({ checkId: r.check_id, subject: r.subject, status: r.status, message: r.message, remediation: r.remediation });

async function checksOf(db: Sql, auditId: number): Promise<CheckFact[]> {
  const rows = await db.all<CheckRow>('SELECT audit_id, check_id, subject, status, message, remediation FROM audit_checks WHERE audit_id = ? ORDER BY seq', [auditId]);
  return rows.map(toCheck);
}

async function loadAudits(db: Sql, after: number | undefined, since: number): Promise<AuditFact[]> {
  const rows = await db.all<{ id: number; domain: string; finished_at: number }>(
    after === undefined
      ? 'SELECT id, domain, finished_at FROM audits WHERE started_at >= ? ORDER BY id LIMIT 500'
      : 'SELECT id, domain, finished_at FROM audits WHERE id > ? ORDER BY id LIMIT 500',
    [after ?? since],
  );
  const facts: AuditFact[] = [];
  for (const row of rows) {
    const earlier = await db.all<{ id: number; finished_at: number }>(
      'SELECT id, finished_at FROM audits WHERE domain = ? AND id < ? ORDER BY started_at DESC, id DESC LIMIT 5',
      [row.domain, row.id],
    );
    facts.push({
      id: row.id,
      domain: row.domain,
      finishedAt: row.finished_at,
      checks: await checksOf(db, row.id),
      earlier: await Promise.all(earlier.map(async (e) => ({ id: e.id, finishedAt: e.finished_at, checks: await checksOf(db, e.id) }))),
    });
  }
  return facts;
}

async function loadChanges(db: Sql, after: number | undefined, since: number): Promise<RecordChangeFact[]> {
  const rows = await db.all<{ id: number; domain: string; kind: string; name: string; change: RecordChangeFact['change']; before: string; after: string; observed_at: number; audit_id: number }>(
    after === undefined
      ? 'SELECT * FROM dns_changes WHERE observed_at >= ? ORDER BY id LIMIT 1000'
      : 'SELECT * FROM dns_changes WHERE id > ? ORDER BY id LIMIT 1000',
    [after ?? since],
  );
  return rows.map((r) => ({
    id: r.id,
    domain: r.domain,
    kind: r.kind,
    name: r.name,
    change: r.change,
    before: JSON.parse(r.before) as string[],
    after: JSON.parse(r.after) as string[],
    observedAt: r.observed_at,
    auditId: r.audit_id,
  }));
}

// Cursors and leases.

/** The newest ids of the append-only tables the rules read by cursor (0 when empty). */
export async function latestFactIds(db: Sql): Promise<{ audits: number; dnsChanges: number }> {
  const row = await db.first<{ audits: number | null; changes: number | null }>(
    'SELECT (SELECT MAX(id) FROM audits) AS audits, (SELECT MAX(id) FROM dns_changes) AS changes',
  );
  return { audits: row?.audits ?? 0, dnsChanges: row?.changes ?? 0 };
}

export async function readCursor(db: Sql, name: string): Promise<number | undefined> {
  return (await db.first<{ position: number }>('SELECT position FROM alert_cursors WHERE name = ?', [name]))?.position;
}

export const cursorStatement = (name: string, position: number): Statement => ({
  sql: 'INSERT INTO alert_cursors (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = MAX(position, excluded.position)',
  params: [name, position],
});

/** Takes (or renews) a named lease unless another holder's is still running: one evaluator at a time across processes. */
export async function acquireLease(db: Sql, name: string, holder: string, now: number, ttl: number): Promise<boolean> {
  const result = await db.run(
    `INSERT INTO alert_leases (name, holder, until) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until WHERE alert_leases.until < ? OR alert_leases.holder = excluded.holder`,
    [name, holder, now + ttl, now],
  );
  return result.changes === 1;
}

export async function releaseLease(db: Sql, name: string, holder: string): Promise<void> {
  await db.run('DELETE FROM alert_leases WHERE name = ? AND holder = ?', [name, holder]);
}

// Incidents.

interface IncidentRow {
  id: number;
  rule: string;
  rule_type: RuleType;
  key: string;
  severity: AlertSeverity;
  state: IncidentState;
  title: string;
  observation: string;
  bad_count: number;
  good_count: number;
  last_fact: string;
  started_at: number;
  fired_at: number | null;
  resolved_at: number | null;
  last_seen_at: number;
  last_notified_at: number | null;
  silenced_until: number | null;
  acked_at: number | null;
  acked_by: string | null;
}

const toIncident = (r: IncidentRow): Incident => ({
  id: r.id,
  rule: r.rule,
  ruleType: r.rule_type,
  key: r.key,
  severity: r.severity,
  state: r.state,
  title: r.title,
  observation: JSON.parse(r.observation) as Incident['observation'],
  badCount: r.bad_count,
  goodCount: r.good_count,
  lastFact: r.last_fact,
  startedAt: r.started_at,
  firedAt: r.fired_at,
  resolvedAt: r.resolved_at,
  lastSeenAt: r.last_seen_at,
  lastNotifiedAt: r.last_notified_at,
  silencedUntil: r.silenced_until,
  ackedAt: r.acked_at,
  ackedBy: r.acked_by,
});

export async function openIncidents(db: Sql): Promise<Incident[]> {
  const rows = await db.all<IncidentRow>("SELECT * FROM alert_incidents WHERE state != 'resolved' ORDER BY id");
  return rows.map(toIncident);
}

/**
 * Incidents newest first. With `resolvedSince`, resolved incidents are only those that were still open at
 * or after it (a dashboard range): open ones are always current.
 */
export async function listIncidents(db: Sql, options: { state?: IncidentState; limit: number; before?: number; resolvedSince?: number }): Promise<Incident[]> {
  const rows = await db.all<IncidentRow>(
    `SELECT * FROM alert_incidents WHERE (? IS NULL OR state = ?) AND (? IS NULL OR started_at < ?) AND state != 'pending'
        AND (? IS NULL OR state != 'resolved' OR resolved_at >= ?)
      ORDER BY started_at DESC, id DESC LIMIT ?`,
    [options.state ?? null, options.state ?? null, options.before ?? null, options.before ?? null, options.resolvedSince ?? null, options.resolvedSince ?? null, options.limit],
  );
  return rows.map(toIncident);
}

export async function getIncident(db: Sql, id: number): Promise<Incident | undefined> {
  const row = await db.first<IncidentRow>('SELECT * FROM alert_incidents WHERE id = ?', [id]);
  return row && toIncident(row);
}

export async function nextIncidentId(db: Sql): Promise<number> {
  const row = await db.first<{ id: number | null }>('SELECT MAX(id) AS id FROM alert_incidents');
  return (row?.id ?? 0) + 1;
}

const INCIDENT_COLUMNS =
  'rule, rule_type, key, severity, state, title, observation, bad_count, good_count, last_fact, started_at, fired_at, resolved_at, last_seen_at, last_notified_at, silenced_until, acked_at, acked_by';

const incidentValues = (i: IncidentDraft): SqlValue[] => [
  i.rule,
  i.ruleType,
  i.key,
  i.severity,
  i.state,
  i.title,
  JSON.stringify(i.observation),
  i.badCount,
  i.goodCount,
  i.lastFact,
  i.startedAt,
  i.firedAt,
  i.resolvedAt,
  i.lastSeenAt,
  i.lastNotifiedAt,
  i.silencedUntil,
  i.ackedAt,
  i.ackedBy,
];

/** Inserts with the id chosen by the evaluator (it holds the lease, so MAX(id) + 1 is free), or updates the row in place. */
export function saveIncidentStatement(incident: IncidentDraft & { id: number }, isNew: boolean): Statement {
  if (isNew) {
    return { sql: `INSERT INTO alert_incidents (id, ${INCIDENT_COLUMNS}) VALUES (?, ${INCIDENT_COLUMNS.split(',').map(() => '?').join(', ')})`, params: [incident.id, ...incidentValues(incident)] };
  }
  const sets = INCIDENT_COLUMNS.split(', ').map((c) => `${c} = ?`).join(', ');
  return { sql: `UPDATE alert_incidents SET ${sets} WHERE id = ?`, params: [...incidentValues(incident), incident.id] };
}

export const deleteIncidentStatement = (id: number): Statement => ({ sql: "DELETE FROM alert_incidents WHERE id = ? AND state = 'pending'", params: [id] });

export async function silenceIncident(db: Sql, id: number, until: number): Promise<boolean> {
  return (await db.run("UPDATE alert_incidents SET silenced_until = ? WHERE id = ? AND state != 'pending'", [until, id])).changes === 1;
}

export async function acknowledgeIncident(db: Sql, id: number, by: string, at: number): Promise<boolean> {
  return (await db.run("UPDATE alert_incidents SET acked_at = ?, acked_by = ? WHERE id = ? AND state != 'pending'", [at, by, id])).changes === 1;
}

// The outbox.

/**
 * Notifications that are done with (delivered, or failed for good) past retention, with their attempts and
 * incident links; the incidents themselves stay. Pending ones are never pruned, however old.
 */
export const notificationPruner: Pruner = {
  what: 'notifications',
  async prune(db, config, now) {
    const result = await db.run("DELETE FROM alert_outbox WHERE created_at < ? AND status IN ('delivered', 'failed')", [now - config.retention.notifications]);
    return result.changes;
  },
};

export interface OutboxEntry {
  id: number;
  channel: string;
  kind: Notification['kind'];
  notification: Notification;
  createdAt: number;
  status: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  deliveredAt: number | null;
  lastError: string | null;
}

interface OutboxRow {
  id: number;
  channel: string;
  kind: Notification['kind'];
  payload: string;
  created_at: number;
  status: OutboxEntry['status'];
  attempts: number;
  next_attempt_at: number;
  delivered_at: number | null;
  last_error: string | null;
}

const toEntry = (r: OutboxRow): OutboxEntry => ({
  id: r.id,
  channel: r.channel,
  kind: r.kind,
  notification: JSON.parse(r.payload) as Notification,
  createdAt: r.created_at,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  deliveredAt: r.delivered_at,
  lastError: r.last_error,
});

/** Queues a notification for a channel, linked to the incidents it reports, in the caller's transaction. */
export function enqueueStatements(channel: string, notification: Notification, incidentIds: readonly number[]): Statement[] {
  return [
    {
      sql: "INSERT INTO alert_outbox (channel, kind, payload, created_at, status, next_attempt_at) VALUES (?, ?, ?, ?, 'pending', ?)",
      params: [channel, notification.kind, JSON.stringify(notification), notification.createdAt, notification.createdAt],
    },
    ...incidentIds.map((id) => ({
      // AUTOINCREMENT ids only grow, so the row just inserted in this transaction holds the largest.
      sql: 'INSERT INTO alert_incident_notifications (incident_id, outbox_id) SELECT ?, MAX(id) FROM alert_outbox',
      params: [id],
    })),
  ];
}

export async function enqueue(db: Sql, channel: string, notification: Notification): Promise<number> {
  const [row] = await db.all<{ id: number }>(
    "INSERT INTO alert_outbox (channel, kind, payload, created_at, status, next_attempt_at) VALUES (?, ?, ?, ?, 'pending', ?) RETURNING id",
    [channel, notification.kind, JSON.stringify(notification), notification.createdAt, notification.createdAt],
  );
  if (!row) throw new Error('the outbox did not return the id of the queued notification');
  return row.id;
}

/**
 * Claims the oldest due notification for `holder` in one statement, so two processes never take the same
 * one. A claim left by a sender that died is taken over once its time is up.
 */
export async function claimNext(db: Sql, holder: string, now: number, claimFor: number, onlyId?: number): Promise<OutboxEntry | undefined> {
  const rows = await db.all<OutboxRow>(
    `UPDATE alert_outbox SET status = 'sending', claimed_by = ?, claimed_until = ?
      WHERE id = (SELECT id FROM alert_outbox
                   WHERE ((status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_until < ?)) AND (? IS NULL OR id = ?)
                   ORDER BY next_attempt_at, id LIMIT 1)
      RETURNING *`,
    [holder, now + claimFor, now, now, onlyId ?? null, onlyId ?? null],
  );
  const row = rows[0];
  return row && toEntry(row);
}

export async function recordDelivery(db: Sql, id: number, holder: string, at: number): Promise<void> {
  await db.batch([
    { sql: 'INSERT INTO alert_attempts (outbox_id, at, ok) VALUES (?, ?, 1)', params: [id, at] },
    {
      sql: "UPDATE alert_outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, claimed_by = NULL, claimed_until = NULL, last_error = NULL WHERE id = ? AND claimed_by = ?",
      params: [at, id, holder],
    },
  ]);
}

export async function recordFailure(db: Sql, id: number, holder: string, at: number, error: string, retryAt: number | undefined): Promise<void> {
  await db.batch([
    { sql: 'INSERT INTO alert_attempts (outbox_id, at, ok, error) VALUES (?, ?, 0, ?)', params: [id, at, error] },
    {
      sql: `UPDATE alert_outbox SET status = ?, attempts = attempts + 1, next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL, last_error = ?
             WHERE id = ? AND claimed_by = ?`,
      params: [retryAt === undefined ? 'failed' : 'pending', retryAt ?? at, error, id, holder],
    },
  ]);
}

export async function listOutbox(db: Sql, options: { limit: number }): Promise<OutboxEntry[]> {
  const rows = await db.all<OutboxRow>('SELECT * FROM alert_outbox ORDER BY created_at DESC, id DESC LIMIT ?', [options.limit]);
  return rows.map(toEntry);
}

export async function attemptsOf(db: Sql, outboxId: number): Promise<Array<{ at: number; ok: boolean; error: string | null }>> {
  const rows = await db.all<{ at: number; ok: number; error: string | null }>('SELECT at, ok, error FROM alert_attempts WHERE outbox_id = ? ORDER BY at, id', [outboxId]);
  return rows.map((r) => ({ at: r.at, ok: r.ok === 1, error: r.error }));
}

export async function notificationsOfIncident(db: Sql, incidentId: number): Promise<OutboxEntry[]> {
  const rows = await db.all<OutboxRow>(
    'SELECT o.* FROM alert_outbox o JOIN alert_incident_notifications n ON n.outbox_id = o.id WHERE n.incident_id = ? ORDER BY o.id',
    [incidentId],
  );
  return rows.map(toEntry);
}

export interface DeliverySummary {
  delivered: number;
  /** Queued or being retried. */
  pending: number;
  /** Given up on after the last retry. */
  failed: number;
  failedChannels: string[];
}

/** Per incident, how the notifications about it went, so a list can show which incidents nobody was told of. */
export async function deliverySummaries(db: Sql, incidentIds: readonly number[]): Promise<Map<number, DeliverySummary>> {
  const rows = await allInChunks(incidentIds, (placeholders, slice) =>
    db.all<{ incident_id: number; channel: string; status: OutboxEntry['status'] }>(
      `SELECT n.incident_id, o.channel, o.status FROM alert_incident_notifications n JOIN alert_outbox o ON o.id = n.outbox_id WHERE n.incident_id IN (${placeholders})`,
      slice,
    ),
  );
  const summaries = new Map<number, DeliverySummary>();
  for (const row of rows) {
    const summary = summaries.get(row.incident_id) ?? { delivered: 0, pending: 0, failed: 0, failedChannels: [] };
    if (row.status === 'delivered') summary.delivered++;
    else if (row.status === 'failed') {
      summary.failed++;
      if (!summary.failedChannels.includes(row.channel)) summary.failedChannels.push(row.channel);
    } else summary.pending++;
    summaries.set(row.incident_id, summary);
  }
  return summaries;
}

// Metrics.

/** The placement window `GET /metrics` reports rates over. */
export const METRICS_PLACEMENT_WINDOW = 7 * 86_400_000;

export async function metricsSnapshot(db: Sql, now: number): Promise<MetricsSnapshot> {
  const [placements, incidents, listings, unhealthy, auditChecks, runs, lastRuns, outbox] = await Promise.all([
    db.all<{ provider: string; mailbox_provider: string; placement: string; count: number }>(
      'SELECT provider, mailbox_provider, placement, COUNT(*) AS count FROM verdicts WHERE test_started_at >= ? GROUP BY provider, mailbox_provider, placement ORDER BY 1, 2, 3',
      [now - METRICS_PLACEMENT_WINDOW],
    ),
    db.all<{ rule: string; severity: string; count: number }>("SELECT rule, severity, COUNT(*) AS count FROM alert_incidents WHERE state = 'firing' GROUP BY rule, severity ORDER BY 1, 2"),
    db.all<{ target: string; zone: string; list: string; severity: string | null }>("SELECT target, zone, list, severity FROM blocklist_status WHERE status = 'listed' ORDER BY 1, 2"),
    db.all<{ zone: string }>('SELECT zone FROM blocklist_health WHERE healthy = 0 ORDER BY zone'),
    db.all<{ domain: string; status: string; count: number }>(
      `SELECT a.domain, c.status, COUNT(*) AS count FROM audits a JOIN audit_checks c ON c.audit_id = a.id
        WHERE a.id = (SELECT id FROM audits a2 WHERE a2.domain = a.domain ORDER BY started_at DESC, id DESC LIMIT 1)
        GROUP BY a.domain, c.status ORDER BY 1, 2`,
    ),
    db.all<{ job: string; status: string; count: number }>('SELECT job, status, COUNT(*) AS count FROM runs GROUP BY job, status ORDER BY 1, 2'),
    db.all<{ job: string; status: string; started_at: number; finished_at: number }>(
      `SELECT r.job, r.status, r.started_at, r.finished_at FROM runs r
        WHERE r.id = (SELECT id FROM runs r2 WHERE r2.job = r.job AND r2.finished_at IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1) ORDER BY 1`,
    ),
    db.all<{ status: string; count: number }>('SELECT status, COUNT(*) AS count FROM alert_outbox GROUP BY status ORDER BY 1'),
  ]);
  return {
    placements: placements.map((p) => ({ provider: p.provider, mailboxProvider: p.mailbox_provider, placement: p.placement, count: p.count })),
    placementWindowSeconds: METRICS_PLACEMENT_WINDOW / 1000,
    incidents,
    listings: listings.map((l) => ({ ...l, severity: l.severity ?? 'high' })),
    unhealthyLists: unhealthy.map((u) => u.zone),
    auditChecks,
    runs,
    lastRuns: lastRuns.map((r) => ({ job: r.job, status: r.status, durationSeconds: (r.finished_at - r.started_at) / 1000, finishedAt: r.finished_at })),
    outbox,
  };
}

// Digest.

export interface DigestFacts {
  placements: MetricsSnapshot['placements'];
  listings: MetricsSnapshot['listings'];
  findings: Array<{ domain: string; checkId: string; status: string; message: string }>;
  incidents: Incident[];
}

export async function digestFacts(db: Sql, from: number): Promise<DigestFacts> {
  const [placements, listings, findings, incidents] = await Promise.all([
    db.all<{ provider: string; mailbox_provider: string; placement: string; count: number }>(
      'SELECT provider, mailbox_provider, placement, COUNT(*) AS count FROM verdicts WHERE test_started_at >= ? GROUP BY provider, mailbox_provider, placement ORDER BY 1, 2, 3',
      [from],
    ),
    db.all<{ target: string; zone: string; list: string; severity: string | null }>("SELECT target, zone, list, severity FROM blocklist_status WHERE status = 'listed' ORDER BY 1, 2"),
    db.all<{ domain: string; check_id: string; status: string; message: string }>(
      `SELECT a.domain, c.check_id, c.status, c.message FROM audits a JOIN audit_checks c ON c.audit_id = a.id
        WHERE a.id = (SELECT id FROM audits a2 WHERE a2.domain = a.domain ORDER BY started_at DESC, id DESC LIMIT 1) AND c.status IN ('fail', 'warn')
        ORDER BY a.domain, CASE c.status WHEN 'fail' THEN 0 ELSE 1 END, c.seq`,
    ),
    db.all<IncidentRow>("SELECT * FROM alert_incidents WHERE state = 'firing' OR (state = 'resolved' AND resolved_at >= ?) ORDER BY started_at DESC LIMIT 100", [from]),
  ]);
  return {
    placements: placements.map((p) => ({ provider: p.provider, mailboxProvider: p.mailbox_provider, placement: p.placement, count: p.count })),
    listings: listings.map((l) => ({ ...l, severity: l.severity ?? 'high' })),
    findings: findings.map((f) => ({ domain: f.domain, checkId: f.check_id, status: f.status, message: f.message })),
    incidents: incidents.map(toIncident),
  };
}
