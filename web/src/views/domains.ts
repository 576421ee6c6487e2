import { html } from 'lit';
import { api, read, type DomainDetail, type DomainList } from '../api.js';
import { ago, when } from '../format.js';
import { rangeQuery } from '../range.js';
import { DataView, DOMAINS_YAML, emptyState, statusBadge } from '../view.js';

/** Every audited domain with its grade and worst findings. */
class DomainsView extends DataView<DomainList> {
  protected load() {
    return api.domains.cards.$get({ query: {} }).then(read);
  }

  protected renderData(data: DomainList) {
    if (data.domains.length === 0) {
      return html`<h2>Domains</h2>${emptyState('No domains audited yet', 'The audit job checks SPF, DKIM, DMARC, MX, MTA-STS, TLS-RPT and BIMI of each sending domain every hour:', DOMAINS_YAML)}`;
    }
    return html`
      <h2>Domains</h2>
      <table>
        <thead><tr><th>Domain</th><th>Grade</th><th>Checks</th><th>Worst findings</th></tr></thead>
        <tbody>${data.domains.map(
          (d) => html`<tr data-domain=${d.domain}>
            <td><a href="/domains/${encodeURIComponent(d.domain)}">${d.domain}</a><div class="muted">audited ${ago(d.lastAudit.startedAt)}</div></td>
            <td>${statusBadge(d.lastAudit.worst)}</td>
            <td>${d.lastAudit.counts.fail} fail · ${d.lastAudit.counts.error} error · ${d.lastAudit.counts.warn} warn · ${d.lastAudit.counts.pass} pass</td>
            <td>${d.findings.length === 0 ? html`<span class="muted">none</span>` : d.findings.map((f) => html`<div>${statusBadge(f.status)} ${f.message}</div>`)}</td>
          </tr>`,
        )}</tbody>
      </table>
    `;
  }
}

/** One domain: findings by area with severity, evidence and fix; status history; record changes before/after. */
class DomainView extends DataView<DomainDetail> {
  protected load() {
    return api.domains[':domain'].$get({ param: { domain: this.route.id ?? '' }, query: rangeQuery(this.range) }).then(read);
  }

  protected renderData(data: DomainDetail) {
    return html`
      <p><a href="/domains">← All domains</a></p>
      <h2>${data.domain} ${statusBadge(data.audit.worst)}</h2>
      <p class="muted">Last audited ${when(data.audit.startedAt)}: ${data.audit.counts.fail} fail, ${data.audit.counts.error} error, ${data.audit.counts.warn} warn, ${data.audit.counts.pass} pass.
        <a href="/reports/${encodeURIComponent(data.domain)}${location.search}">Who sends as ${data.domain}: DMARC reports</a></p>
      ${data.areas.map(
        (area) => html`<section class="panel" aria-labelledby="area-${area.area}" data-area=${area.area}>
          <h3 id="area-${area.area}">${area.title}</h3>
          ${area.checks.map(
            (c) => html`<div class="finding" data-check=${c.id}>
              <p>${statusBadge(c.status)} <strong>${c.id}</strong>${c.subject ? html` [${c.subject}]` : ''} — ${c.message}</p>
              ${c.remediation ? html`<p><strong>Fix:</strong> ${c.remediation}</p>` : ''}
              ${Object.keys(c.evidence).length > 0 ? html`<details><summary>Evidence</summary><pre>${JSON.stringify(c.evidence, null, 2)}</pre></details>` : ''}
            </div>`,
          )}
        </section>`,
      )}
      <section class="panel" aria-labelledby="history">
        <h3 id="history">Status history in this range</h3>
        ${data.history.length === 0
          ? html`<p class="muted">Unchanged in this range: ${statusBadge(data.audit.worst)}</p>`
          : html`<table>
              <thead><tr><th>When</th><th>From</th><th>To</th></tr></thead>
              <tbody>${data.history.map((h) => html`<tr data-history=${h.to}><td>${when(h.at)}</td><td>${h.from ? statusBadge(h.from) : html`<span class="muted">first audit</span>`}</td><td>${statusBadge(h.to)}</td></tr>`)}</tbody>
            </table>`}
      </section>
      <section class="panel" aria-labelledby="changes">
        <h3 id="changes">DNS record changes in this range</h3>
        ${data.changes.length === 0
          ? html`<p class="muted">No record changed in this range.</p>`
          : data.changes.map(
              (c) => html`<div class="change" data-change=${c.kind}>
                <p><strong>${when(c.observedAt)}</strong> — ${c.kind} at <code>${c.name}</code> ${c.change}</p>
                <div class="grid">
                  <div><div class="muted">Before</div><pre>${c.before.length ? c.before.map((r) => `${c.removed.includes(r) ? '− ' : '  '}${r}`).join('\n') : '(none)'}</pre></div>
                  <div><div class="muted">After</div><pre>${c.after.length ? c.after.map((r) => `${c.added.includes(r) ? '+ ' : '  '}${r}`).join('\n') : '(none)'}</pre></div>
                </div>
              </div>`,
            )}
      </section>
    `;
  }
}

customElements.define('iw-domains', DomainsView);
customElements.define('iw-domain', DomainView);
