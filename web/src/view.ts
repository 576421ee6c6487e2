import { css, html, LitElement, type CSSResultGroup, type PropertyValues, type TemplateResult } from 'lit';
import { Unauthorized } from './api.js';
import { pct } from './format.js';
import type { Range } from './range.js';
import type { Route } from './route.js';

/** Styles every view shares: tables, panels, badges, empty states, focus rings. */
export const shared = css`
  :host { display: block; }
  h2 { font-size: 18px; margin: 4px 0 12px; }
  h3 { font-size: 15px; margin: 20px 0 8px; }
  a { color: var(--accent); }
  a:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible, summary:focus-visible, [tabindex]:focus-visible {
    outline: 3px solid var(--focus); outline-offset: 2px;
  }
  .grid { display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); }
  .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
  .panel > h3:first-child { margin-top: 0; }
  .scroll { overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
  th[scope='row'] { color: var(--fg); font-size: inherit; text-transform: none; letter-spacing: normal; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .muted { color: var(--muted); }
  .badge { display: inline-flex; gap: 4px; align-items: center; font-weight: 600; white-space: nowrap; }
  .ok, .pass, .inbox, .clean { color: var(--ok); }
  .bad, .fail, .spam, .listed, .missing, .error, .send-error { color: var(--bad); }
  .warn, .tabs, .promotions, .social, .updates, .forums, .other-folder, .unhealthy, .interrupted { color: var(--warn); }
  .info, .running, .pending { color: var(--info); }
  .empty { border: 1px dashed var(--line); border-radius: 8px; padding: 16px; }
  .empty h3 { margin-top: 0; }
  .empty + .empty { margin-top: 12px; }
  pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow-x: auto; font-size: 12px; line-height: 1.5; }
  code { font-size: 12.5px; }
  button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); cursor: pointer; }
  button.primary { background: var(--accent); border-color: var(--accent); color: var(--bg); font-weight: 600; }
  button:disabled { opacity: .6; cursor: not-allowed; }
  .cards { display: flex; flex-wrap: wrap; gap: 8px; }
  .stat { font-size: 24px; font-weight: 700; }
  .error-box { border: 1px solid var(--bad); color: var(--bad); border-radius: 8px; padding: 10px 12px; }
  select { font: inherit; padding: 5px 8px; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); }
  .filters { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 0 0 8px; }
  .chip { padding: 3px 10px; border: 1px solid var(--line); border-radius: 14px; color: var(--fg); text-decoration: none; }
  .chip[aria-current='true'] { background: var(--fg); color: var(--bg); border-color: var(--fg); font-weight: 600; }
  .actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
  .tally { margin-right: 10px; white-space: nowrap; }
  .grid, .cards { margin-bottom: 16px; }
  /* Wide tables keep their columns readable and scroll sideways on a phone instead of squeezing. */
  table.wide { min-width: 720px; }
  td.nowrap { white-space: nowrap; }
  td.title-cell, td.notes { min-width: 200px; }
  ol.attempts { margin: 4px 0 0; padding-left: 18px; }
  .title { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: baseline; justify-content: space-between; }
  .cards > .panel { flex: 1 1 120px; }
  section.panel { margin: 16px 0; }
  .grid > section.panel { margin: 0; }
`;

/** A view that loads its data from the API whenever its route or range changes. */
export abstract class DataView<T> extends LitElement {
  static override properties = { route: { attribute: false }, range: { attribute: false }, data: { state: true }, failure: { state: true } };
  static override styles: CSSResultGroup = shared;

  route!: Route;
  range!: Range;
  data?: T;
  failure = '';
  private loads = 0;

  protected abstract load(): Promise<T>;
  protected abstract renderData(data: T): TemplateResult;

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('range') || changed.has('route')) void this.refresh();
  }

  /** Loads again; an answer that arrives after a newer request started is dropped. */
  protected async refresh(): Promise<void> {
    const load = ++this.loads;
    try {
      const data = await this.load();
      if (load !== this.loads) return;
      this.data = data;
      this.failure = '';
    } catch (error) {
      if (load !== this.loads) return;
      if (error instanceof Unauthorized) this.dispatchEvent(new CustomEvent('iw-unauthorized', { bubbles: true, composed: true }));
      else this.failure = (error as Error).message;
    }
  }

  override render() {
    if (this.failure) return html`<p class="error-box" role="alert">Could not load this view: ${this.failure}</p>`;
    if (this.data === undefined) return html`<p class="muted" aria-busy="true">Loading…</p>`;
    return this.renderData(this.data);
  }
}

/** What a new user sees where there is no data yet: what to configure, with YAML to paste. */
export function emptyState(title: string, text: string | TemplateResult, yaml?: string): TemplateResult {
  return html`<div class="empty">
    <h3>${title}</h3>
    <p>${text}</p>
    ${yaml ? html`<p class="muted">Add to <code>inboxwatch.yaml</code>:</p><pre><code>${yaml}</code></pre>` : ''}
  </div>`;
}

const PLACEMENT_LABEL: Record<string, [symbol: string, text: string]> = {
  inbox: ['✓', 'Inbox'],
  promotions: ['▤', 'Promotions'],
  social: ['▤', 'Social'],
  updates: ['▤', 'Updates'],
  forums: ['▤', 'Forums'],
  tabs: ['▤', 'Tabs'],
  spam: ['⚠', 'Spam'],
  'other-folder': ['↪', 'Other folder'],
  otherFolder: ['↪', 'Other folder'],
  missing: ['∅', 'Missing'],
  error: ['!', 'Error'],
  'send-error': ['!', 'Send error'],
  pending: ['…', 'Pending'],
};

/** A placement as symbol and word, never colour alone. */
export function placementBadge(placement: string): TemplateResult {
  const [symbol, text] = PLACEMENT_LABEL[placement] ?? ['?', placement];
  return html`<span class="badge ${placement}"><span aria-hidden="true">${symbol}</span>${text}</span>`;
}

const STATUS_LABEL: Record<string, [symbol: string, text: string]> = {
  pass: ['✓', 'pass'],
  info: ['i', 'info'],
  warn: ['▲', 'warn'],
  error: ['!', 'error'],
  fail: ['✕', 'fail'],
  ok: ['✓', 'ok'],
  running: ['↻', 'running'],
  interrupted: ['⏸', 'interrupted'],
};

export function statusBadge(status: string): TemplateResult {
  const [symbol, text] = STATUS_LABEL[status] ?? ['?', status];
  return html`<span class="badge ${status}"><span aria-hidden="true">${symbol}</span>${text}</span>`;
}

const URL_PATTERN = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])/;

/** Text with its web addresses made into links that open outside the dashboard (delisting pages, fixes). */
export function linkified(text: string): TemplateResult {
  const parts = text.split(URL_PATTERN);
  return html`${parts.map((part, i) => (i % 2 === 1 ? html`<a href=${part} target="_blank" rel="noreferrer noopener">${part}</a>` : part))}`;
}

/** A DMARC pass rate with a word, not colour alone: under 90% fails, under 98% warns. */
export function passRateBadge(rate: number): TemplateResult {
  const [style, symbol] = rate >= 0.98 ? ['ok', '✓'] : rate >= 0.9 ? ['warn', '▲'] : ['fail', '✕'];
  return html`<span class="badge ${style}"><span aria-hidden="true">${symbol}</span>${pct(rate, 1)}</span>`;
}

/** An incident's severity in the status badges' colours, named by its own word. */
export function severityBadge(severity: string): TemplateResult {
  const [style, symbol] = severity === 'critical' ? ['fail', '✕'] : severity === 'warning' ? ['warn', '▲'] : ['info', 'i'];
  return html`<span class="badge ${style}"><span aria-hidden="true">${symbol}</span>${severity}</span>`;
}

export const PROVIDERS_YAML = `providers:
  - name: my-esp
    smtp: { host: smtp.my-esp.example, port: 587, user: apikey, pass: "\${MY_ESP_PASS}" }
    from: news@example.com
seeds:
  - address: seed1@gmail.com
    mailboxProvider: gmail
    imap: { host: imap.gmail.com, user: seed1@gmail.com, pass: "\${SEED1_APP_PASSWORD}" }`;

export const DOMAINS_YAML = `domains:
  - name: example.com
    dkimSelectors: [s1]`;

export const BLOCKLISTS_YAML = `blocklists:
  ips: [192.0.2.10]
  domains: [example.com]
dns:
  servers: [127.0.0.1:53]   # your own resolver: Spamhaus refuses public ones`;
