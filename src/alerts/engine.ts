import type { AlertRule, Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Sql, Statement } from '../store/sql.js';
import { applyObservation, repeatDue, type IncidentDraft, type RulePolicy, type Step } from './incidents.js';
import { dmarcNeeds } from './report-facts.js';
import { observe, ruleName } from './rules.js';
import {
  acquireLease,
  claimNext,
  cursorStatement,
  deleteIncidentStatement,
  enqueue,
  enqueueStatements,
  latestFactIds,
  loadFacts,
  nextIncidentId,
  openIncidents,
  readCursor,
  recordDelivery,
  recordFailure,
  releaseLease,
  saveIncidentStatement,
} from './store.js';
import { UndeliverableError, type Notification, type NotificationItem, type Notifier } from './types.js';

export interface AlertEngineDeps {
  config: Config;
  db: Sql;
  log: Logger;
  /** One per configured channel, by channel name. */
  notifiers: ReadonlyMap<string, Notifier>;
  /** Names this process in leases and claims, so another process can tell its claims from ours. */
  holder: string;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Evaluation {
  fired: string[];
  resolved: string[];
  /** Outbox entries queued, one per channel with something to say. */
  queued: number;
}

export interface Delivery {
  delivered: number;
  failed: number;
}

export interface AlertEngine {
  /** Reads the facts, moves incidents and queues the notifications they call for; one evaluator at a time across processes. */
  evaluate(): Promise<Evaluation>;
  /** Sends what is due from the outbox (or just entry `onlyId`), recording every attempt. */
  deliver(onlyId?: number): Promise<Delivery>;
  /** Queues a notification for one channel outside any incident (test messages, digests). */
  queue(channel: string, notification: Notification): Promise<number>;
  dashboardUrl: string;
}

/** Rules whose `window` counts placement tests (report rules' windows are days). */
const PLACEMENT_WINDOW_RULES = new Set<AlertRule['type']>(['inbox_rate_below', 'spam_rate_above', 'missing_rate_above', 'auth_failing']);
const KIND_ORDER: Record<NotificationItem['kind'], number> = { firing: 0, repeat: 1, resolved: 2 };
const LEASE = 'evaluate';
const LEASE_TTL = 60_000;
const CLAIM_TTL = 5 * 60_000;
/** Attempts before a notification is given up as failed: with the backoff below, about a day of trying. */
export const MAX_ATTEMPTS = 12;

/** 30 s, 1 min, 2 min … capped at 4 h between outbox attempts. */
export const backoff = (attempts: number): number => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 4 * 3_600_000);

export function policyOf(rule: AlertRule): RulePolicy {
  return { rule: ruleName(rule), ruleType: rule.type, severity: rule.severity, for: rule.for, resolveAfter: rule.resolveAfter, repeatInterval: rule.repeatInterval };
}

export function dashboardUrlOf(config: Config): string {
  if (config.alerts.dashboardUrl) return config.alerts.dashboardUrl.replace(/\/$/, '');
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${config.server.port}`;
}

export function createAlertEngine(deps: AlertEngineDeps): AlertEngine {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const dashboardUrl = dashboardUrlOf(deps.config);
  const rules = deps.config.alerts.rules;

  async function withLease<T>(work: () => Promise<T>): Promise<T> {
    for (let tries = 0; !(await acquireLease(deps.db, LEASE, deps.holder, now(), LEASE_TTL)); tries++) {
      if (tries >= 100) throw new Error('another process has been evaluating alerts for over 10 s; try again later');
      await sleep(100);
    }
    try {
      return await work();
    } finally {
      await releaseLease(deps.db, LEASE, deps.holder);
    }
  }

  async function evaluateLocked(): Promise<Evaluation> {
    const at = now();
    const [auditsAfter, changesAfter] = await Promise.all([readCursor(deps.db, 'audits'), readCursor(deps.db, 'dns_changes')]);
    const verdictTests = Math.max(0, ...rules.map((r) => (PLACEMENT_WINDOW_RULES.has(r.type) && 'window' in r ? r.window : 0)));
    const dmarc = dmarcNeeds(rules, deps.config.reports.address);
    const facts = await loadFacts(deps.db, { verdictTests, now: at, auditsAfter, changesAfter, dmarc });
    const open = await openIncidents(deps.db);
    const byKey = new Map<string, IncidentDraft>(open.map((i) => [`${i.rule}\n${i.key}`, i]));
    const original = new Map(byKey);
    const messages = new Map<string, NotificationItem[]>();
    const result: Evaluation = { fired: [], resolved: [], queued: 0 };

    const note = (rule: AlertRule, step: Step): void => {
      if (!step.notify || !step.next) return;
      const incident = step.next;
      if (step.notify === 'firing') result.fired.push(incident.title);
      if (step.notify === 'resolved') result.resolved.push(incident.title);
      for (const channel of rule.channels) {
        const list = messages.get(channel) ?? [];
        // The id is filled in below, once new incidents have one.
        list.push({
          kind: step.notify,
          incidentId: incident.id ?? -1,
          rule: incident.rule,
          ruleType: incident.ruleType,
          severity: incident.severity,
          key: incident.key,
          title: incident.title,
          summary: incident.observation.summary,
          since: incident.startedAt,
          resolvedAt: incident.resolvedAt,
          evidence: incident.observation.evidence,
          actions: incident.observation.actions,
          link: incident.observation.link,
        });
        messages.set(channel, list);
      }
    };

    const touched = new Map<string, IncidentDraft | undefined>();
    for (const rule of rules) {
      const policy = policyOf(rule);
      const openKeys = new Set(open.filter((i) => i.rule === policy.rule).map((i) => i.key));
      for (const observation of observe(rule, facts, openKeys)) {
        const id = `${policy.rule}\n${observation.key}`;
        const step = applyObservation(byKey.get(id), observation, policy, at);
        if (step.next === byKey.get(id)) continue;
        if (step.next && step.next.state !== 'resolved') byKey.set(id, step.next);
        else byKey.delete(id);
        touched.set(id, step.next);
        note(rule, step);
      }
      for (const [id, incident] of byKey) {
        if (incident.rule !== policy.rule) continue;
        const step = repeatDue(incident, policy, at);
        if (step.next === incident) continue;
        byKey.set(id, step.next as IncidentDraft);
        touched.set(id, step.next);
        note(rule, step);
      }
    }

    const statements: Statement[] = [];
    let nextId = await nextIncidentId(deps.db);
    const assigned = new Map<IncidentDraft, number>();
    for (const [id, draft] of touched) {
      const before = original.get(id);
      if (!draft) {
        if (before) statements.push(deleteIncidentStatement(before.id as number));
        continue;
      }
      const isNew = draft.id === undefined;
      const withId = { ...draft, id: draft.id ?? nextId++ };
      assigned.set(draft, withId.id);
      statements.push(saveIncidentStatement(withId, isNew));
    }
    // Items of incidents created in this evaluation learn their ids from the drafts they were made from.
    const ids = new Map([...assigned].map(([draft, id]) => [`${draft.rule}\n${draft.key}`, id]));
    for (const [channel, items] of messages) {
      const complete = items
        .map((item) => (item.incidentId === -1 ? { ...item, incidentId: ids.get(`${item.rule}\n${item.key}`) ?? -1 } : item))
        // New trouble first: it is what the subject line names.
        .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
      const notification: Notification = { kind: 'alert', createdAt: at, dashboardUrl, items: complete };
      statements.push(...enqueueStatements(channel, notification, [...new Set(complete.map((i) => i.incidentId))]));
      result.queued++;
    }
    // A first evaluation that found nothing recent still fixes its cursors, so older history is never announced later.
    const latest = auditsAfter === undefined || changesAfter === undefined ? await latestFactIds(deps.db) : undefined;
    const auditCursor = facts.audits.at(-1)?.id ?? (auditsAfter === undefined ? latest?.audits : undefined);
    if (auditCursor !== undefined) statements.push(cursorStatement('audits', auditCursor));
    const changeCursor = facts.recordChanges.at(-1)?.id ?? (changesAfter === undefined ? latest?.dnsChanges : undefined);
    if (changeCursor !== undefined) statements.push(cursorStatement('dns_changes', changeCursor));
    if (statements.length > 0) await deps.db.batch(statements);
    if (result.fired.length > 0 || result.resolved.length > 0) deps.log.info('alerts evaluated', { fired: result.fired, resolved: result.resolved });
    return result;
  }

  async function deliver(onlyId?: number): Promise<Delivery> {
    const outcome: Delivery = { delivered: 0, failed: 0 };
    for (;;) {
      const entry = await claimNext(deps.db, deps.holder, now(), CLAIM_TTL, onlyId);
      if (!entry) return outcome;
      const notifier = deps.notifiers.get(entry.channel);
      try {
        if (!notifier) throw new Error(`channel "${entry.channel}" is no longer configured`);
        await notifier.send(entry.notification);
        await recordDelivery(deps.db, entry.id, deps.holder, now());
        outcome.delivered++;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const attempts = entry.attempts + 1;
        // A test notification answers the person who asked, now; trying it again tomorrow would answer nobody.
        const retryable = notifier && !(error instanceof UndeliverableError) && entry.kind !== 'test' && attempts < MAX_ATTEMPTS;
        const retryAt = retryable ? now() + backoff(attempts) : undefined;
        await recordFailure(deps.db, entry.id, deps.holder, now(), message, retryAt);
        deps.log.warn('alert notification not delivered', { channel: entry.channel, outbox: entry.id, attempts, error: message, retry: retryAt !== undefined });
        outcome.failed++;
      }
      if (onlyId !== undefined) return outcome;
    }
  }

  return {
    dashboardUrl,
    evaluate: () => (rules.length === 0 ? Promise.resolve({ fired: [], resolved: [], queued: 0 }) : withLease(evaluateLocked)),
    deliver,
    queue: (channel, notification) => enqueue(deps.db, channel, notification),
  };
}
