/** The numbers `GET /metrics` exposes, gathered by the alert store. */
export interface MetricsSnapshot {
  /** Verdict counts over the placement window, per provider, mailbox provider and placement. */
  placements: Array<{ provider: string; mailboxProvider: string; placement: string; count: number }>;
  placementWindowSeconds: number;
  incidents: Array<{ rule: string; severity: string; count: number }>;
  listings: Array<{ target: string; zone: string; list: string; severity: string }>;
  unhealthyLists: string[];
  auditChecks: Array<{ domain: string; status: string; count: number }>;
  runs: Array<{ job: string; status: string; count: number }>;
  lastRuns: Array<{ job: string; status: string; durationSeconds: number; finishedAt: number }>;
  outbox: Array<{ status: string; count: number }>;
}

type Labels = Record<string, string>;

const INBOX = new Set(['inbox', 'promotions', 'social', 'updates', 'forums']);
const OUR_FAULT = new Set(['error', 'send-error']);

/** The Prometheus text exposition format (version 0.0.4). */
export function renderMetrics(m: MetricsSnapshot): string {
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, samples: Array<[Labels, number]>) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${labelText(labels)} ${Number.isFinite(value) ? value : 'NaN'}`);
  };

  family(
    'inboxwatch_placement_messages',
    'gauge',
    `Seed messages by where they landed, over the last ${m.placementWindowSeconds} seconds of tests.`,
    m.placements.map((p) => [{ provider: p.provider, mailbox_provider: p.mailboxProvider, placement: p.placement }, p.count]),
  );
  const rates = new Map<string, { provider: string; mailboxProvider: string; inbox: number; spam: number; missing: number; observed: number }>();
  for (const p of m.placements) {
    if (OUR_FAULT.has(p.placement)) continue;
    const key = `${p.provider}\n${p.mailboxProvider}`;
    const r = rates.get(key) ?? { provider: p.provider, mailboxProvider: p.mailboxProvider, inbox: 0, spam: 0, missing: 0, observed: 0 };
    r.observed += p.count;
    if (INBOX.has(p.placement)) r.inbox += p.count;
    if (p.placement === 'spam') r.spam += p.count;
    if (p.placement === 'missing') r.missing += p.count;
    rates.set(key, r);
  }
  for (const kind of ['inbox', 'spam', 'missing'] as const) {
    family(
      `inboxwatch_placement_${kind}_ratio`,
      'gauge',
      `Share of observed seed messages that ${kind === 'inbox' ? 'reached the inbox (tabs included)' : kind === 'spam' ? 'went to spam' : 'never arrived'}, per provider and mailbox provider.`,
      [...rates.values()].filter((r) => r.observed > 0).map((r) => [{ provider: r.provider, mailbox_provider: r.mailboxProvider }, r[kind] / r.observed]),
    );
  }
  family('inboxwatch_alert_incidents_open', 'gauge', 'Firing incidents per rule and severity.', m.incidents.map((i) => [{ rule: i.rule, severity: i.severity }, i.count]));
  family('inboxwatch_blocklist_listed', 'gauge', 'Current listings (1 per listed target and list).', m.listings.map((l) => [{ target: l.target, zone: l.zone, list: l.list, severity: l.severity }, 1]));
  family('inboxwatch_blocklist_unhealthy', 'gauge', 'Lists that could not be trusted in the last sweep.', m.unhealthyLists.map((zone) => [{ zone }, 1]));
  family('inboxwatch_audit_checks', 'gauge', 'Check results of the latest audit of each domain, by status.', m.auditChecks.map((a) => [{ domain: a.domain, status: a.status }, a.count]));
  family('inboxwatch_job_runs', 'gauge', 'Recorded job runs by status (within the runs retention).', m.runs.map((r) => [{ job: r.job, status: r.status }, r.count]));
  family('inboxwatch_job_last_duration_seconds', 'gauge', 'How long the last finished run of each job took.', m.lastRuns.map((r) => [{ job: r.job, status: r.status }, r.durationSeconds]));
  family('inboxwatch_job_last_finished_timestamp_seconds', 'gauge', 'When the last run of each job finished.', m.lastRuns.map((r) => [{ job: r.job, status: r.status }, r.finishedAt / 1000]));
  family('inboxwatch_alert_notifications', 'gauge', 'Notifications in the outbox by status.', m.outbox.map((o) => [{ status: o.status }, o.count]));
  return `${out.join('\n')}\n`;
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}
