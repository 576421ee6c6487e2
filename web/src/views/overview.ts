import { html } from 'lit';
import { api, read, type Overview, type ReportDomains } from '../api.js';
import { inboxLines, splitBars } from '../chart-configs.js';
import { ago, pct, when } from '../format.js';
import { rangeMs, rangeQuery } from '../range.js';
import { BLOCKLISTS_YAML, DataView, DOMAINS_YAML, emptyState, passRateBadge, placementBadge, PROVIDERS_YAML, severityBadge, statusBadge } from '../view.js';

type Data = Overview & { dmarc: ReportDomains['domains'] };

/** The first page: placement trend and split, listings now, domain grades and DMARC pass rates, incidents, the last run of every job. */
class OverviewView extends DataView<Data> {
  protected async load(): Promise<Data> {
    const [overview, reports] = await Promise.all([api.overview.$get({ query: rangeQuery(this.range) }).then(read), api.reports.domains.$get({ query: rangeMs(this.range) }).then(read)]);
    return { ...overview, dmarc: reports.domains };
  }

  protected renderData(data: Data) {
    const noPlacement = data.series.length === 0;
    return html`
      <h2>Overview</h2>
      <div class="grid">
        <section class="panel" aria-labelledby="trend">
          <h3 id="trend">Inbox rate per provider</h3>
          ${noPlacement
            ? emptyState('No placement tests in this range', 'Configure sending providers and seed mailboxes, then run a test (Settings → Run now on placement, or inboxwatch test).', PROVIDERS_YAML)
            : html`<iw-chart label="Inbox rate per sending provider over time" .config=${inboxLines(data.series, data.window)}></iw-chart>`}
        </section>
        <section class="panel" aria-labelledby="split">
          <h3 id="split">Placement per mailbox provider</h3>
          ${noPlacement
            ? html`<p class="muted">Appears with the first test.</p>`
            : html`<iw-chart label="Where mail landed per mailbox provider" .config=${splitBars(data.split)}></iw-chart>
                <div class="scroll"><table>
                  <thead><tr><th>Mailbox provider</th><th class="num">Samples</th><th class="num">${placementBadge('inbox')}</th><th class="num">${placementBadge('tabs')}</th><th class="num">${placementBadge('spam')}</th><th class="num">${placementBadge('missing')}</th></tr></thead>
                  <tbody>${data.split.map((s) => html`<tr data-mailbox-provider=${s.key}><td>${s.key}</td><td class="num">${s.samples}</td><td class="num">${pct(s.rates.inbox.rate)}</td><td class="num">${pct(s.rates.tabs.rate)}</td><td class="num">${pct(s.rates.spam.rate)}</td><td class="num">${pct(s.rates.missing.rate)}</td></tr>`)}</tbody>
                </table></div>`}
        </section>
        <section class="panel" aria-labelledby="listings">
          <h3 id="listings">Blocklist listings now</h3>
          ${data.blocklists.checked === 0
            ? emptyState('No blocklist checks yet', 'List the sending IPs and domains to watch; the blocklists job sweeps them every 30 minutes.', BLOCKLISTS_YAML)
            : data.listings.length === 0
              ? html`<p class="badge clean" data-listings="0"><span aria-hidden="true">✓</span>No listings across ${data.blocklists.targets} targets (${data.blocklists.checked} checks, ${data.blocklists.errors} errors).</p>`
              : html`<p data-listings=${data.listings.length}><span class="stat listed">${data.listings.length}</span> listing${data.listings.length === 1 ? '' : 's'} across ${data.blocklists.targets} targets</p>
                  <ul>${data.listings.map((l) => html`<li><strong>${l.target}</strong> on ${l.list} since ${when(l.since)} — <a href="/blocklists?target=${encodeURIComponent(l.target)}">details</a></li>`)}</ul>`}
        </section>
        <section class="panel" aria-labelledby="domains">
          <h3 id="domains">Domains</h3>
          ${data.domains.length === 0
            ? emptyState('No domains audited yet', 'Name your sending domains; the audit job checks SPF, DKIM, DMARC, MX, MTA-STS, TLS-RPT and BIMI every hour.', DOMAINS_YAML)
            : html`<table>
                <thead><tr><th>Domain</th><th>Grade</th><th>Worst findings</th></tr></thead>
                <tbody>${data.domains.map(
                  (d) => html`<tr data-domain=${d.domain}>
                    <td><a href="/domains/${encodeURIComponent(d.domain)}">${d.domain}</a><div class="muted">${ago(d.lastAudit.startedAt)}</div></td>
                    <td>${statusBadge(d.lastAudit.worst)}</td>
                    <td>${d.findings.length === 0 ? html`<span class="muted">none</span>` : d.findings.map((f) => html`<div>${statusBadge(f.status)} ${f.message}</div>`)}</td>
                  </tr>`,
                )}</tbody>
              </table>`}
        </section>
        <section class="panel" aria-labelledby="dmarc">
          <h3 id="dmarc">Who sends as your domains (DMARC reports)</h3>
          ${data.dmarc.length === 0
            ? html`<p class="muted">No DMARC reports yet. <a href="/reports">Reports</a> shows how to have receivers send them to inboxwatch.</p>`
            : html`<table>
                <thead><tr><th>Domain</th><th class="num">Messages</th><th class="num">DMARC pass</th></tr></thead>
                <tbody>${data.dmarc.map(
                  (d) => html`<tr data-dmarc=${d.domain}>
                    <td><a href="/reports/${encodeURIComponent(d.domain)}">${d.domain}</a><div class="muted">last report ${ago(d.lastReceivedAt)}</div></td>
                    <td class="num">${d.messages.toLocaleString()}</td>
                    <td class="num">${d.messages === 0 ? html`<span class="muted">none in range</span>` : passRateBadge(d.passed / d.messages)}</td>
                  </tr>`,
                )}</tbody>
              </table>`}
        </section>
        <section class="panel" aria-labelledby="incidents">
          <h3 id="incidents">Open incidents</h3>
          ${data.incidents.length === 0
            ? html`<p class="muted">No incident is firing. Rules under <code>alerts.rules</code> raise one when a listing, an inbox-rate drop or a DNS regression happens; <a href="/alerts">Alerts</a> has the resolved ones and the rules to paste.</p>`
            : html`<ul class="incidents">${data.incidents.map(
                (i) => html`<li data-incident=${i.id}>${severityBadge(i.severity)} <a href="/alerts/${i.id}"><strong>${i.title}</strong></a>
                  <span class="muted">${i.firedAt === null ? '' : `since ${when(i.firedAt)}`}${i.ackedBy ? ` · acknowledged by ${i.ackedBy}` : ''}${i.silencedUntil !== null && i.silencedUntil > Date.now() ? ` · silenced until ${when(i.silencedUntil)}` : ''}</span></li>`,
              )}</ul>
              <p><a href="/alerts">All alerts</a></p>`}
        </section>
        <section class="panel" aria-labelledby="jobs">
          <h3 id="jobs">Jobs</h3>
          <table>
            <thead><tr><th>Job</th><th>Last run</th><th>Status</th></tr></thead>
            <tbody>${data.jobs.map(
              (j) => html`<tr data-job=${j.name}>
                <td>${j.name}</td>
                <td>${j.lastRun ? html`${ago(j.lastRun.startedAt)}<div class="muted">${j.lastRun.error ?? j.lastRun.summary ?? ''}</div>` : html`<span class="muted">${j.idleReason ? `idle: ${j.idleReason}` : 'never run'}</span>`}</td>
                <td>${j.running ? statusBadge('running') : j.lastRun ? statusBadge(j.lastRun.status) : '—'}</td>
              </tr>`,
            )}</tbody>
          </table>
        </section>
      </div>
    `;
  }
}

customElements.define('iw-overview', OverviewView);

