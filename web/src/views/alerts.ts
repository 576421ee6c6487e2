import { html, nothing, type TemplateResult } from 'lit';
import { api, read, Unauthorized, type Incident, type IncidentDetail, type Incidents, type Settings } from '../api.js';
import { ago, duration, when } from '../format.js';
import { rangeMs } from '../range.js';
import { withParams } from '../route.js';
import { DataView, emptyState, linkified, severityBadge } from '../view.js';

/** What a person on call needs to know first: is anyone on it, is it muted, is it over. */
type Shown = 'firing' | 'acknowledged' | 'silenced' | 'resolved';
const SHOWN: Shown[] = ['firing', 'acknowledged', 'silenced', 'resolved'];
const SEVERITIES = ['critical', 'warning', 'info'] as const;

const STATE_LABEL: Record<Shown, [symbol: string, style: string]> = {
  firing: ['●', 'fail'],
  acknowledged: ['◐', 'warn'],
  silenced: ['◌', 'info'],
  resolved: ['✓', 'ok'],
};

type Shape = Pick<Incident, 'state' | 'silencedUntil' | 'ackedAt'>;

/** Silenced wins over acknowledged: a silenced incident sends nothing at all, an acknowledged one still its resolve. */
export function shownState(incident: Shape, now: number): Shown {
  if (incident.state === 'resolved') return 'resolved';
  if (incident.silencedUntil !== null && incident.silencedUntil > now) return 'silenced';
  return incident.ackedAt !== null ? 'acknowledged' : 'firing';
}

function stateBadge(state: Shown): TemplateResult {
  const [symbol, style] = STATE_LABEL[state];
  return html`<span class="badge ${style}" data-state=${state}><span aria-hidden="true">${symbol}</span>${state}</span>`;
}

/** How long it has been firing, or how long it fired. */
function lasted(incident: Pick<Incident, 'firedAt' | 'startedAt' | 'resolvedAt'>, now: number): string {
  const since = incident.firedAt ?? incident.startedAt;
  return incident.resolvedAt === null ? `for ${duration(now - since)}` : `lasted ${duration(incident.resolvedAt - since)}`;
}

export const ALERTS_YAML = `alerts:
  channels:
    - name: oncall
      type: email
      smtp: { host: smtp.example.com, port: 587, user: alerts, pass: "\${ALERT_SMTP_PASS}" }
      from: inboxwatch@example.com
      to: [oncall@example.com]
    - { name: hook, type: webhook, url: "https://hooks.example.com/inboxwatch", secret: "\${HOOK_SECRET}" }
  rules:
    - { type: blocklist_listed, severity: critical, channels: [oncall, hook] }
    - { type: inbox_rate_below, threshold: 0.8, channels: [oncall] }
    - { type: dns_regression, channels: [oncall] }
    - { type: probe_failing, channels: [hook] }`;

/** The configured rules, read from the redacted configuration the settings call returns. */
function ruleCount(config: Settings['config']): number {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return 0;
  const alerts = config.alerts;
  if (typeof alerts !== 'object' || alerts === null || Array.isArray(alerts)) return 0;
  return Array.isArray(alerts.rules) ? alerts.rules.length : 0;
}

interface ListData {
  list: Incidents;
  rules: number;
  now: number;
}

/** Incidents open now and those resolved in the range, filterable by state and severity through the URL. */
class AlertsView extends DataView<ListData> {
  protected async load(): Promise<ListData> {
    const [list, settings] = await Promise.all([api.alerts.$get({ query: { ...rangeMs(this.range), limit: '500' } }).then(read), api.settings.$get({ query: {} }).then(read)]);
    return { list, rules: ruleCount(settings.config), now: Date.now() };
  }

  protected renderData({ list, rules, now }: ListData) {
    if (list.incidents.length === 0) {
      return html`<h2>Alerts</h2>
        ${rules === 0
          ? emptyState(
              'No alert rules configured',
              'Rules turn what inboxwatch observes into incidents: a new blocklist listing, an inbox rate that dropped, a DNS record that changed, a probe that keeps failing. Each incident notifies its channels once, repeats daily while firing, and sends a resolve when it clears. Add rules and channels, then restart inboxwatch serve:',
              ALERTS_YAML,
            )
          : html`<div class="empty"><h3>No incidents in this range</h3><p>${rules} rule${rules === 1 ? '' : 's'} configured; nothing is firing and nothing resolved in the chosen range. Pick a longer range for older incidents.</p></div>`}`;
    }
    const params = this.route.params;
    const stateFilter = params.get('state');
    const severityFilter = params.get('severity');
    const rows = list.incidents.map((incident) => ({ incident, shown: shownState(incident, now) }));
    const shown = rows.filter((r) => (!stateFilter || r.shown === stateFilter) && (!severityFilter || r.incident.severity === severityFilter));
    const count = (state: Shown) => rows.filter((r) => r.shown === state).length;
    const chip = (key: string, value: string | null, label: string, current: string | null) =>
      html`<a class="chip" href=${withParams({ [key]: value })} aria-current=${current === value ? 'true' : 'false'}>${label}</a>`;
    return html`
      <h2>Alerts</h2>
      <p class="summary" data-summary>
        ${SHOWN.map((state) => html`<span class="tally">${stateBadge(state)} <strong data-count=${state}>${count(state)}</strong></span> `)}
        <span class="muted">· open incidents now, and incidents resolved in the range</span>
      </p>
      <div class="filters" role="group" aria-label="Filter by state">
        <span class="muted">State:</span> ${chip('state', null, 'all', stateFilter)} ${SHOWN.map((s) => chip('state', s, s, stateFilter))}
      </div>
      <div class="filters" role="group" aria-label="Filter by severity">
        <span class="muted">Severity:</span> ${chip('severity', null, 'all', severityFilter)} ${SEVERITIES.map((s) => chip('severity', s, s, severityFilter))}
      </div>
      ${shown.length === 0
        ? html`<p class="muted" data-none>No incident matches these filters. <a href=${withParams({ state: null, severity: null })}>Show all</a></p>`
        : html`<div class="scroll"><table class="wide">
            <thead><tr><th>State</th><th>Incident</th><th>Severity</th><th>Since</th><th>Rule</th><th>Notes</th></tr></thead>
            <tbody>${shown.map(
              ({ incident: i, shown: state }) => html`<tr data-incident=${i.id}>
                <td>${stateBadge(state)}</td>
                <td class="title-cell"><a href="/alerts/${i.id}">${i.title}</a><div class="muted"><code>${i.key}</code></div></td>
                <td>${severityBadge(i.severity)}</td>
                <td class="nowrap">${when(i.firedAt ?? i.startedAt)}<div class="muted">${lasted(i, now)}</div></td>
                <td class="nowrap">${i.rule}${i.rule === i.ruleType ? nothing : html`<div class="muted">${i.ruleType}</div>`}</td>
                <td class="notes">${notes(i, now)}</td>
              </tr>`,
            )}</tbody>
          </table></div>`}
    `;
  }
}

function notes(i: Pick<Incident, 'ackedBy' | 'ackedAt' | 'silencedUntil' | 'resolvedAt' | 'notifications'>, now: number): TemplateResult {
  const n = i.notifications;
  return html`${n.failed > 0
      ? html`<div class="badge fail" data-delivery="failed"><span aria-hidden="true">✕</span>${n.failed} notification${n.failed === 1 ? '' : 's'} failed: ${n.failedChannels.join(', ')}</div>`
      : nothing}
    ${n.pending > 0 ? html`<div class="pending" data-delivery="pending">… ${n.pending} being sent or retried</div>` : nothing}
    ${n.failed === 0 && n.pending === 0 ? html`<div class="muted" data-delivery="sent">${n.delivered === 0 ? 'no notification sent' : `${n.delivered} notification${n.delivered === 1 ? '' : 's'} delivered`}</div>` : nothing}
    ${i.ackedAt !== null ? html`<div>acknowledged by ${i.ackedBy ?? '?'} ${ago(i.ackedAt, now)}</div>` : nothing}
    ${i.silencedUntil !== null && i.silencedUntil > now ? html`<div>silenced until ${when(i.silencedUntil)}</div>` : nothing}
    ${i.resolvedAt !== null ? html`<div>resolved ${when(i.resolvedAt)}</div>` : nothing}`;
}

interface DetailData {
  detail: IncidentDetail;
  caller: Settings['caller'];
  now: number;
}

const SILENCE_FOR = [
  ['1h', '1 hour'],
  ['4h', '4 hours'],
  ['24h', '1 day'],
  ['7d', '1 week'],
] as const;

const DELIVERY: Record<string, [symbol: string, style: string]> = {
  delivered: ['✓', 'ok'],
  failed: ['✕', 'fail'],
  pending: ['…', 'pending'],
  sending: ['↻', 'running'],
};

/** One incident: its state, evidence and actions, every notification sent about it, and silence/acknowledge for admins. */
class AlertView extends DataView<DetailData> {
  static override properties = { ...DataView.properties, notice: { state: true }, busy: { state: true } };
  notice = '';
  busy = false;

  protected async load(): Promise<DetailData> {
    const id = this.route.id ?? '';
    const [detail, settings] = await Promise.all([api.alerts[':id'].$get({ param: { id }, query: {} }).then(read), api.settings.$get({ query: {} }).then(read)]);
    return { detail, caller: settings.caller, now: Date.now() };
  }

  private async act(action: 'ack' | 'silence') {
    const id = this.route.id ?? '';
    const choice = this.renderRoot.querySelector<HTMLSelectElement>('select[name="for"]');
    const duration = choice?.value ?? '4h';
    this.busy = true;
    try {
      await read(
        action === 'ack'
          ? await api.alerts[':id'].ack.$post({ param: { id }, query: {} })
          : await api.alerts[':id'].silence.$post({ param: { id }, query: {}, json: { for: duration } }),
      );
      this.notice = action === 'ack' ? 'Acknowledged: no more repeats; the resolve will still be sent.' : `Silenced for ${choice?.selectedOptions[0]?.textContent ?? duration}.`;
      await this.refresh();
    } catch (error) {
      if (error instanceof Unauthorized) this.dispatchEvent(new CustomEvent('iw-unauthorized', { bubbles: true, composed: true }));
      else this.notice = `Not done: ${(error as Error).message}`;
    } finally {
      this.busy = false;
    }
  }

  protected renderData({ detail, caller, now }: DetailData) {
    const i = detail.incident;
    const state = shownState(i, now);
    return html`
      <p><a href="/alerts">← All alerts</a></p>
      <h2>${i.title}</h2>
      <p class="head" data-head>${stateBadge(state)} ${severityBadge(i.severity)} <span class="muted">rule <strong>${i.rule}</strong>${i.rule === i.ruleType ? nothing : ` (${i.ruleType})`} · key <code>${i.key}</code></span></p>
      <p>${i.summary}</p>
      <div class="grid">
        <section class="panel" aria-labelledby="when">
          <h3 id="when">When</h3>
          <table><tbody>
            <tr><th scope="row">Started</th><td>${when(i.startedAt)}</td></tr>
            <tr><th scope="row">Fired</th><td>${when(i.firedAt)}<div class="muted">${lasted(i, now)}</div></td></tr>
            <tr><th scope="row">Last seen bad</th><td>${when(i.lastSeenAt)}</td></tr>
            <tr><th scope="row">Last notified</th><td>${when(i.lastNotifiedAt)}</td></tr>
            <tr><th scope="row">Resolved</th><td>${i.resolvedAt === null ? html`<span class="muted">not yet</span>` : when(i.resolvedAt)}</td></tr>
            <tr><th scope="row">Acknowledged</th><td data-acked>${i.ackedAt === null ? html`<span class="muted">no</span>` : html`by ${i.ackedBy} ${when(i.ackedAt)}`}</td></tr>
            <tr><th scope="row">Silenced</th><td data-silenced>${i.silencedUntil !== null && i.silencedUntil > now ? html`until ${when(i.silencedUntil)} <span class="muted">(${ago(i.silencedUntil, now)})</span>` : html`<span class="muted">no</span>`}</td></tr>
          </tbody></table>
        </section>
        <section class="panel" aria-labelledby="act">
          <h3 id="act">Actions</h3>
          ${this.renderActions(state, caller)}
          <p role="status" aria-live="polite" class="notice" data-notice>${this.notice}</p>
          ${i.link ? html`<p><a href=${i.link}>See the facts behind it in the dashboard</a></p>` : nothing}
        </section>
      </div>
      <section class="panel" aria-labelledby="evidence">
        <h3 id="evidence">Evidence</h3>
        ${i.evidence.length === 0
          ? html`<p class="muted">The rule recorded no evidence beyond the summary.</p>`
          : html`<table><tbody>${i.evidence.map((e) => html`<tr data-evidence><th scope="row">${e.label}</th><td>${linkified(e.value)}</td></tr>`)}</tbody></table>`}
        ${i.actions.length === 0 ? nothing : html`<h3>What to do</h3><ul>${i.actions.map((a) => html`<li>${linkified(a)}</li>`)}</ul>`}
      </section>
      <section class="panel" aria-labelledby="notifications">
        <h3 id="notifications">Notifications</h3>
        ${detail.notifications.length === 0
          ? html`<p class="muted">None sent: ${i.silencedUntil !== null ? 'the incident was silenced, or ' : ''}its rule has no channels.</p>`
          : html`<div class="scroll"><table class="wide">
              <thead><tr><th>Queued</th><th>Channel</th><th>Said</th><th>Status</th><th class="num">Attempts</th><th>Detail</th></tr></thead>
              <tbody>${detail.notifications.map((n) => {
                const [symbol, style] = DELIVERY[n.status] ?? ['?', ''];
                return html`<tr data-notification=${n.id} data-channel=${n.channel}>
                  <td>${when(n.createdAt)}</td>
                  <td>${n.channel}</td>
                  <td>${n.event ?? '—'}</td>
                  <td><span class="badge ${style}"><span aria-hidden="true">${symbol}</span>${n.status}</span></td>
                  <td class="num">${n.attempts}</td>
                  <td>
                    ${n.deliveredAt !== null ? html`<div>delivered ${when(n.deliveredAt)}</div>` : nothing}
                    ${n.lastError ? html`<div class="fail">${n.lastError}</div>` : nothing}
                    ${n.nextAttemptAt !== null ? html`<div class="muted">next attempt ${ago(n.nextAttemptAt, now)}</div>` : nothing}
                    ${n.history.length > 1
                      ? html`<ol class="attempts" aria-label="Every attempt">${n.history.map((a) => html`<li>${when(a.at)}: ${a.ok ? 'delivered' : html`<span class="fail">failed: ${a.error ?? 'unknown error'}</span>`}</li>`)}</ol>`
                      : nothing}
                  </td>
                </tr>`;
              })}</tbody>
            </table></div>`}
      </section>
    `;
  }

  private renderActions(state: Shown, caller: Settings['caller']) {
    if (caller.role !== 'admin') return html`<p class="muted" data-viewer>Signed in as ${caller.name} (${caller.role}): only admin tokens can silence or acknowledge incidents.</p>`;
    if (state === 'resolved') return html`<p class="muted">Resolved: nothing to silence or acknowledge.</p>`;
    return html`<div class="actions">
      <button class="primary" ?disabled=${this.busy || state === 'acknowledged'} @click=${() => this.act('ack')}>Acknowledge</button>
      <label>Silence for <select name="for">${SILENCE_FOR.map(([value, label]) => html`<option value=${value} ?selected=${value === '4h'}>${label}</option>`)}</select></label>
      <button ?disabled=${this.busy} @click=${() => this.act('silence')}>Silence</button>
    </div>
    <p class="muted">Acknowledging stops the repeats but still sends the resolve; silencing sends nothing, not even the resolve, until it ends.</p>`;
  }
}

customElements.define('iw-alerts', AlertsView);
customElements.define('iw-alert', AlertView);
