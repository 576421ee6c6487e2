import { html, nothing, type TemplateResult } from 'lit';
import { api, read, type ReportDaily, type ReportDomains, type ReportList, type ReportSources } from '../api.js';
import { dmarcDaily } from '../chart-configs.js';
import { ago, pct, when } from '../format.js';
import { rangeMs } from '../range.js';
import { navigate } from '../route.js';
import { DataView, emptyState, passRateBadge } from '../view.js';

type Source = ReportSources['sources'][number];
type Rejected = ReportList['rejected'][number];

export const REPORTS_YAML = `reports:
  imap:                      # the mailbox rua= points at (same keys as a seed's imap)
    host: imap.example.com
    user: dmarc@example.com
    pass: "\${DMARC_MAILBOX_PASSWORD}"
  mailbox: INBOX
  # folder: /var/lib/inboxwatch/reports   # or a directory of report files`;

const DNS_RECORDS = `_dmarc.example.com.     TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.com"
_smtp._tls.example.com. TXT "v=TLSRPTv1; rua=mailto:dmarc@example.com"`;

/** How to start receiving reports: the mailbox to read and the DNS records that send reports to it. */
function reportsEmptyState(): TemplateResult {
  return html`${emptyState(
      'No DMARC or TLS reports yet',
      'Receivers (Google, Microsoft, Yahoo, …) mail a daily aggregate report of every message they saw from your domains to the address in your DMARC record’s rua= tag. Point inboxwatch at that mailbox; serve reads it as reports arrive (IMAP IDLE):',
      REPORTS_YAML,
    )}
    <div class="empty">
      <h3>Then point rua at it</h3>
      <p>Publish (or extend) these records for each sending domain; reports start arriving within a day. A mailbox at another domain must also authorise the reports with a <code>example.com._report._dmarc</code> record there (RFC 7489 §7.1). Files can also be imported with <code>inboxwatch reports import FILE…</code> or uploaded to <code>POST /api/reports</code>.</p>
      <pre><code>${DNS_RECORDS}</code></pre>
    </div>`;
}

/** Files that could not be read as reports, with their reason and the kept content. */
function rejectedSection(rejected: readonly Rejected[]): TemplateResult {
  return html`<section class="panel" aria-labelledby="rejected">
    <h3 id="rejected">Files that could not be read</h3>
    ${rejected.length === 0
      ? html`<p class="muted" data-rejected="0">None in this range: every file that arrived was read.</p>`
      : html`<p>A broken or unexpected file from a reporter is kept here instead of being dropped, so a reporter that changed its format is noticed.</p>
          <div class="scroll"><table class="wide">
            <thead><tr><th>Received</th><th>File</th><th>Came from</th><th class="num">Size</th><th>Why it was refused</th><th>Content</th></tr></thead>
            <tbody>${rejected.map(
              (r) => html`<tr data-rejected=${r.id}>
                <td>${when(r.receivedAt)}</td>
                <td><code>${r.name}</code></td>
                <td>${r.source}</td>
                <td class="num">${r.size.toLocaleString()} B</td>
                <td class="fail">${r.error}</td>
                <td>${r.kept ? html`<a href="/api/reports/rejected/${r.id}" download=${r.name}>Download</a>` : html`<span class="muted">not kept (unsafe)</span>`}</td>
              </tr>`,
            )}</tbody>
          </table></div>`}
  </section>`;
}

interface IndexData {
  domains: ReportDomains;
  rejected: readonly Rejected[];
}

/** Every domain reports arrived for, with its volume and pass rate in the range, and the files that failed. */
class ReportsView extends DataView<IndexData> {
  protected async load(): Promise<IndexData> {
    const range = rangeMs(this.range);
    const [domains, { rejected }] = await Promise.all([api.reports.domains.$get({ query: range }).then(read), api.reports.rejected.$get({ query: range }).then(read)]);
    return { domains, rejected };
  }

  protected renderData({ domains, rejected }: IndexData) {
    if (domains.domains.length === 0 && rejected.length === 0) return html`<h2>Reports</h2>${reportsEmptyState()}`;
    return html`
      <h2>Reports</h2>
      <p class="muted">DMARC aggregate and SMTP TLS reports per domain. Pick a domain for its senders.</p>
      ${domains.domains.length === 0
        ? reportsEmptyState()
        : html`<div class="scroll"><table>
            <thead><tr><th>Domain</th><th class="num">Messages in range</th><th class="num">DMARC pass</th><th class="num">Aggregate reports</th><th class="num">TLS reports</th><th>Last report</th></tr></thead>
            <tbody>${domains.domains.map(
              (d) => html`<tr data-domain=${d.domain}>
                <th scope="row"><a href="/reports/${encodeURIComponent(d.domain)}${location.search}">${d.domain}</a></th>
                <td class="num">${d.messages.toLocaleString()}</td>
                <td class="num">${d.messages === 0 ? '—' : passRateBadge(d.passed / d.messages)}</td>
                <td class="num">${d.aggregateReports.toLocaleString()}</td>
                <td class="num">${d.tlsReports.toLocaleString()}</td>
                <td>${when(d.lastReceivedAt)} <span class="muted">${ago(d.lastReceivedAt)}</span></td>
              </tr>`,
            )}</tbody>
          </table></div>`}
      ${rejectedSection(rejected)}
    `;
  }
}

/** Reverse DNS as a word and symbol: forward-confirmed, not confirmed, none, or not known. */
function reverseDns(s: Source): TemplateResult {
  if (s.enrichment === 'pending') return html`<span class="muted">… not looked up yet</span>`;
  if (s.enrichment === 'error') return html`<span class="badge warn" data-fcrdns="error"><span aria-hidden="true">!</span>lookup failed</span><div class="muted">tried again hourly</div>`;
  if (s.ptr === null) return html`<span class="badge fail" data-fcrdns="no-ptr"><span aria-hidden="true">∅</span>no PTR</span>`;
  return html`<code>${s.ptr}</code><div>${s.fcrdns
    ? html`<span class="badge ok" data-fcrdns="yes"><span aria-hidden="true">✓</span>FCrDNS</span>`
    : html`<span class="badge fail" data-fcrdns="no"><span aria-hidden="true">✕</span>not forward-confirmed</span>`}</div>`;
}

const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);

const OVERRIDE_MEANING: Record<string, string> = {
  forwarded: 'the message was forwarded, which breaks SPF',
  mailing_list: 'a mailing list resent it, which usually breaks both',
  local_policy: 'the receiver’s own policy decided',
  sampled_out: 'outside your pct= sample',
  trusted_forwarder: 'a forwarder the receiver trusts',
  policy_test_mode: 'your policy is in testing mode (t=y)',
  other: 'reason given in the report’s comment',
};

interface DomainData {
  domains: ReportDomains;
  sources: ReportSources;
  daily: ReportDaily;
  list: ReportList;
}

/** One domain: volume and pass rate by day, every source with its authentication, what p=reject would change, TLS-RPT. */
class ReportView extends DataView<DomainData> {
  protected async load(): Promise<DomainData> {
    const range = rangeMs(this.range);
    const domain = this.route.id ?? '';
    const [domains, sources, daily, list] = await Promise.all([
      api.reports.domains.$get({ query: range }).then(read),
      api.reports.sources.$get({ query: { domain, ...range } }).then(read),
      api.reports.daily.$get({ query: { domain, ...range } }).then(read),
      api.reports.$get({ query: { domain, ...range } }).then(read),
    ]);
    return { domains, sources, daily, list };
  }

  private pick(event: Event) {
    const domain = (event.target as HTMLSelectElement).value;
    navigate(`/reports/${encodeURIComponent(domain)}${location.search}`);
  }

  protected renderData({ domains, sources, daily, list }: DomainData) {
    const domain = sources.domain;
    const t = sources.totals;
    const latest = list.aggregate[0];
    const names = domains.domains.map((d) => d.domain);
    if (!names.includes(domain)) names.push(domain);
    return html`
      <p><a href="/reports${location.search}">← All report domains</a> · <a href="/domains/${encodeURIComponent(this.route.id ?? '')}${location.search}">DNS audit of ${this.route.id}</a></p>
      <div class="title">
        <h2>Reports for ${domain}</h2>
        <label>Domain <select @change=${this.pick} aria-label="Report domain">${names.sort().map((n) => html`<option value=${n} ?selected=${n === domain}>${n}</option>`)}</select></label>
      </div>
      ${t.messages === 0 && list.tls.length === 0
        ? html`<div class="empty"><h3>No reports for ${domain} in this range</h3><p>Pick a longer range, or check that the domain’s DMARC record sends <code>rua</code> reports to the report mailbox.</p><pre><code>${DNS_RECORDS.replaceAll('example.com', domain)}</code></pre></div>`
        : html`
          <div class="cards" data-totals>
            <div class="panel"><div class="muted">Messages reported</div><div class="stat" data-total="messages">${t.messages.toLocaleString()}</div></div>
            <div class="panel"><div class="muted">Passed DMARC</div><div class="stat" data-total="pass">${pct(t.passRate, 1)}</div><div class="muted">${t.passed.toLocaleString()} messages</div></div>
            <div class="panel"><div class="muted">Sources</div><div class="stat">${sources.sources.length}</div><div class="muted">${sources.sources.filter((s) => s.passed === 0).length} fully failing</div></div>
            <div class="panel"><div class="muted">Rejected if p=reject</div><div class="stat" data-total="would-reject">${t.wouldReject.toLocaleString()}</div><div class="muted">messages from ${sources.wouldReject.length} sources</div></div>
            <div class="panel"><div class="muted">Published policy</div><div class="stat">${latest?.policy.p ? `p=${latest.policy.p}` : '—'}</div><div class="muted">${latest ? policyLine(latest.policy) : 'no aggregate report in range'}</div></div>
          </div>
          <section class="panel" aria-labelledby="daily">
            <h3 id="daily">Volume and DMARC pass rate per day</h3>
            ${daily.days.length === 0 ? html`<p class="muted">No aggregate report covers a day in this range.</p>` : html`<iw-chart label="Messages reported per day and the share passing DMARC" .config=${dmarcDaily(daily.days, daily)}></iw-chart>`}
          </section>
          ${this.renderSources(sources)}
          <div class="grid">
            ${this.renderAlignment(t)}
            ${this.renderRejectWouldDrop(sources)}
            ${this.renderOverrides(sources)}
            ${this.renderTls(list.tls)}
          </div>
          ${this.renderFailures(list.failures)}`}
      ${rejectedSection(list.rejected)}
    `;
  }

  private renderSources(sources: ReportSources) {
    return html`<section class="panel" aria-labelledby="sources">
      <h3 id="sources">Sources</h3>
      <p class="muted">Every IP that sent mail as ${sources.domain}, most first. Aligned means the SPF or DKIM domain matched the From domain and passed; DMARC passes when either does. A source without forward-confirmed reverse DNS is rarely a legitimate mail server.</p>
      <div class="scroll"><table class="wide">
        <thead><tr>
          <th>Source IP</th><th>Reverse DNS</th><th>Sender</th><th class="num">Messages</th><th class="num">SPF aligned</th><th class="num">DKIM aligned</th><th class="num">DMARC pass</th>
          <th>Receiver’s disposition</th><th class="num">Rejected at p=reject</th>
        </tr></thead>
        <tbody>${sources.sources.map(
          (s) => html`<tr data-source=${s.ip}>
            <th scope="row"><code>${s.ip}</code>${s.flags.includes('unauthenticated') ? html`<div class="badge fail"><span aria-hidden="true">✕</span>unauthenticated</div>` : nothing}</th>
            <td>${reverseDns(s)}</td>
            <td>${s.label ? html`<strong>${s.label}</strong>` : s.provider}</td>
            <td class="num">${s.messages.toLocaleString()}</td>
            <td class="num" data-col="spf">${pct(share(s.messages - s.spfFailed, s.messages))}</td>
            <td class="num" data-col="dkim">${pct(share(s.messages - s.dkimFailed, s.messages))}</td>
            <td class="num" data-col="dmarc">${passRateBadge(s.passRate)}</td>
            <td>${disposition(s)}</td>
            <td class="num" data-col="would-reject">${s.wouldReject === 0 ? html`<span class="muted">0</span>` : html`<strong>${s.wouldReject.toLocaleString()}</strong>`}</td>
          </tr>`,
        )}</tbody>
      </table></div>
      ${sources.providers.length > 1
        ? html`<h3>By sender</h3><p class="muted">The known sender a source’s reverse DNS names, else its PTR domain.</p><div class="scroll"><table>
            <thead><tr><th>Sender</th><th class="num">Sources</th><th class="num">Messages</th><th class="num">DMARC pass</th></tr></thead>
            <tbody>${sources.providers.map((p) => html`<tr data-provider=${p.provider}><td>${p.provider}</td><td class="num">${p.sources}</td><td class="num">${p.messages.toLocaleString()}</td><td class="num">${passRateBadge(p.passRate)}</td></tr>`)}</tbody>
          </table></div>`
        : nothing}
    </section>`;
  }

  private renderAlignment(t: ReportSources['totals']) {
    // A message fails DMARC only when both fail; the rest of each mechanism's failures passed on the other.
    const neither = t.messages - t.passed;
    const spfOnly = t.spfFailed - neither;
    const dkimOnly = t.dkimFailed - neither;
    const both = t.messages - neither - spfOnly - dkimOnly;
    const rows: Array<[key: string, label: string, count: number, note: string]> = [
      ['both', 'SPF and DKIM aligned', both, ''],
      ['dkim-only', 'DKIM aligned, SPF not', spfOnly, 'forwarding, or a sender missing from SPF'],
      ['spf-only', 'SPF aligned, DKIM not', dkimOnly, 'unsigned, or signed with another domain'],
      ['neither', 'Neither aligned: fails DMARC', neither, 'spoofing, or a sender not yet set up'],
    ];
    return html`<section class="panel" aria-labelledby="alignment">
      <h3 id="alignment">Alignment failures by mechanism</h3>
      <table>
        <thead><tr><th>Authentication</th><th class="num">Messages</th><th class="num">Share</th></tr></thead>
        <tbody>${rows.map(
          ([key, label, count, note]) => html`<tr data-alignment=${key}><td>${label}${note ? html`<div class="muted">${note}</div>` : nothing}</td><td class="num">${count.toLocaleString()}</td><td class="num">${pct(share(count, t.messages), 1)}</td></tr>`,
        )}</tbody>
      </table>
      <p class="muted">SPF failed on ${t.spfFailed.toLocaleString()} messages, DKIM on ${t.dkimFailed.toLocaleString()}.</p>
    </section>`;
  }

  private renderRejectWouldDrop(sources: ReportSources) {
    return html`<section class="panel" aria-labelledby="would-reject">
      <h3 id="would-reject">If the policy went to p=reject</h3>
      ${sources.wouldReject.length === 0
        ? html`<p class="badge ok" data-would-reject="0"><span aria-hidden="true">✓</span>Nothing receivers let through would be turned away: every failing message was already rejected, or none failed.</p>`
        : html`<p>These sources’ failing mail reached recipients; under <code>p=reject</code> it would be refused. Fix their SPF or DKIM first, unless they are forgeries.</p>
            <table>
              <thead><tr><th>Source</th><th>Sender</th><th class="num">Messages</th></tr></thead>
              <tbody>${sources.wouldReject.map((w) => html`<tr data-would-reject=${w.ip}><td><code>${w.ip}</code></td><td>${w.provider}</td><td class="num">${w.messages.toLocaleString()}</td></tr>`)}</tbody>
            </table>`}
    </section>`;
  }

  private renderOverrides(sources: ReportSources) {
    return html`<section class="panel" aria-labelledby="overrides">
      <h3 id="overrides">Policy overrides</h3>
      ${sources.overrides.length === 0
        ? html`<p class="muted">No receiver overrode the policy in this range.</p>`
        : html`<p class="muted">Receivers that applied something other than your policy, and why.</p>
            <table>
              <thead><tr><th>Reason</th><th class="num">Messages</th></tr></thead>
              <tbody>${sources.overrides.map((o) => html`<tr data-override=${o.type}><td><strong>${o.type}</strong>${OVERRIDE_MEANING[o.type] ? html`<div class="muted">${OVERRIDE_MEANING[o.type]}</div>` : nothing}</td><td class="num">${o.messages.toLocaleString()}</td></tr>`)}</tbody>
            </table>`}
    </section>`;
  }

  private renderFailures(failures: ReportList['failures']) {
    if (failures.length === 0) return nothing;
    return html`<section class="panel" aria-labelledby="failures">
      <h3 id="failures">Failure reports (RUF)</h3>
      <p class="muted">Single messages that failed DMARC, as some receivers report them (RFC 6591): who sent them and how the receiver dealt with them.</p>
      <div class="scroll"><table class="wide">
        <thead><tr><th>Received</th><th>Source IP</th><th>Failed</th><th>Receiver did</th><th>DKIM</th><th>Message</th></tr></thead>
        <tbody>${failures.map(
          (f) => html`<tr data-failure=${f.id}>
            <td>${when(f.receivedAt)}${f.arrivalAt !== null ? html`<div class="muted">sent ${when(f.arrivalAt)}</div>` : nothing}</td>
            <td>${f.sourceIp ? html`<code>${f.sourceIp}</code>` : '—'}</td>
            <td>${f.authFailure}${f.identityAlignment ? html`<div class="muted">aligned: ${f.identityAlignment}</div>` : nothing}</td>
            <td>${f.deliveryResult ?? '—'}</td>
            <td>${f.dkimDomain ? html`<code>d=${f.dkimDomain}${f.dkimSelector ? ` s=${f.dkimSelector}` : ''}</code>` : '—'}</td>
            <td>${f.from ?? f.mailFrom ?? ''}${f.subject ? html`<div class="muted">${f.subject}</div>` : nothing}</td>
          </tr>`,
        )}</tbody>
      </table></div>
    </section>`;
  }

  private renderTls(tls: ReportList['tls']) {
    const successful = tls.reduce((sum, r) => sum + r.successful, 0);
    const failed = tls.reduce((sum, r) => sum + r.failed, 0);
    const byResult = new Map<string, number>();
    for (const report of tls) for (const policy of report.policies) for (const f of policy.failures) byResult.set(f.resultType, (byResult.get(f.resultType) ?? 0) + f.failedSessions);
    return html`<section class="panel" aria-labelledby="tls">
      <h3 id="tls">SMTP TLS reports (TLS-RPT)</h3>
      ${tls.length === 0
        ? html`<p class="muted">No TLS report in this range. Senders report TLS failures delivering to your MX when <code>_smtp._tls</code> has a <code>rua</code>.</p>`
        : html`<p data-tls-summary>${tls.length} report${tls.length === 1 ? '' : 's'}: <strong>${successful.toLocaleString()}</strong> sessions succeeded, <strong class=${failed > 0 ? 'fail' : ''}>${failed.toLocaleString()}</strong> failed (${pct(share(failed, successful + failed), 1)}).</p>
            ${byResult.size === 0 ? nothing : html`<table>
              <thead><tr><th>Failure</th><th class="num">Sessions</th></tr></thead>
              <tbody>${[...byResult].sort((a, b) => b[1] - a[1]).map(([result, count]) => html`<tr data-tls-failure=${result}><td>${result}</td><td class="num">${count.toLocaleString()}</td></tr>`)}</tbody>
            </table>`}
            <details><summary>Each report</summary><ul>${tls.map(
              (r) => html`<li>${r.org}, ${when(r.begin)} – ${when(r.end)}: ${r.policies.map((p) => `${p.policyType} for ${p.policyDomain}${p.mxHosts.length ? ` (${p.mxHosts.join(', ')})` : ''}: ${p.successful} ok, ${p.failed} failed`).join('; ')}</li>`,
            )}</ul></details>`}
    </section>`;
  }
}

function policyLine(policy: ReportList['aggregate'][number]['policy']): string {
  const parts = [policy.sp ? `sp=${policy.sp}` : '', policy.pct !== null ? `pct=${policy.pct}` : '', policy.adkim ? `adkim=${policy.adkim}` : '', policy.aspf ? `aspf=${policy.aspf}` : '', policy.testing ? 't=y' : ''];
  return `as receivers saw it: ${parts.filter(Boolean).join(' ')}`;
}

function disposition(s: Source): TemplateResult {
  const parts: string[] = [];
  if (s.rejected) parts.push(`${s.rejected.toLocaleString()} rejected`);
  if (s.quarantined) parts.push(`${s.quarantined.toLocaleString()} quarantined`);
  const delivered = s.messages - s.rejected - s.quarantined;
  if (delivered) parts.push(`${delivered.toLocaleString()} delivered`);
  return html`${parts.join(', ')}${s.overridden ? html`<div class="muted">${s.overridden.toLocaleString()} overridden</div>` : nothing}`;
}

customElements.define('iw-reports', ReportsView);
customElements.define('iw-report', ReportView);
