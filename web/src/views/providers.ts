import { html } from 'lit';
import { api, read, type Providers } from '../api.js';
import { compareBars, inboxLines } from '../chart-configs.js';
import { duration, pct } from '../format.js';
import { rangeQuery } from '../range.js';
import { navigate, withParams } from '../route.js';
import { DataView, emptyState, placementBadge, PROVIDERS_YAML } from '../view.js';

type Cell = Providers['matrix'][number];

const interval = (r: Cell['rates']['inbox']) => (r.ci95 ? `${pct(r.ci95.low)}–${pct(r.ci95.high)}` : '—');

/** Providers side by side per mailbox provider: rates with 95% intervals and samples, latency, trend; pick two to compare. */
class ProvidersView extends DataView<Providers> {
  protected load() {
    return api.providers.$get({ query: rangeQuery(this.range) }).then(read);
  }

  private pick(slot: 'a' | 'b', event: Event) {
    navigate(withParams({ [slot]: (event.target as HTMLSelectElement).value }));
  }

  protected renderData(data: Providers) {
    if (data.matrix.length === 0) {
      return html`<h2>Providers</h2>${emptyState('No placement results in this range', 'Each sending provider is compared at each mailbox provider once seed tests have run. Pick a longer range, or configure providers and seeds:', PROVIDERS_YAML)}`;
    }
    const providers = [...new Set(data.matrix.map((c) => c.provider))];
    const mailboxProviders = [...new Set(data.matrix.map((c) => c.mailboxProvider))].sort();
    const a = this.route.params.get('a') ?? providers[0] ?? '';
    const b = this.route.params.get('b') ?? providers[1] ?? providers[0] ?? '';
    const chosen = [...new Set([a, b])].filter((p) => providers.includes(p));
    const option = (p: string, selected: string) => html`<option value=${p} ?selected=${p === selected}>${p}</option>`;
    return html`
      <h2>Providers</h2>
      <section class="panel" aria-labelledby="compare">
        <h3 id="compare">Compare</h3>
        <p>
          <label>Provider A <select @change=${(e: Event) => this.pick('a', e)} aria-label="Provider A">${providers.map((p) => option(p, a))}</select></label>
          <label>Provider B <select @change=${(e: Event) => this.pick('b', e)} aria-label="Provider B">${providers.map((p) => option(p, b))}</select></label>
        </p>
        <iw-chart label="Inbox rate per mailbox provider for ${chosen.join(' and ')}, with 95% intervals" .config=${compareBars(data.matrix, chosen, mailboxProviders)}></iw-chart>
        <p class="muted">Bars are inbox rates; whiskers the 95% Wilson interval; n the messages observed. A small n gives a wide interval.</p>
      </section>
      <section class="panel" aria-labelledby="matrix">
        <h3 id="matrix">Every provider at every mailbox provider</h3>
        <div class="scroll"><table>
          <thead><tr>
            <th>Provider</th><th>Mailbox provider</th><th class="num">n</th>
            <th class="num">${placementBadge('inbox')}</th><th class="num">95% interval</th>
            <th class="num">${placementBadge('tabs')}</th><th class="num">${placementBadge('spam')}</th><th class="num">${placementBadge('missing')}</th>
            <th class="num">Latency p50</th><th class="num">p95</th>
          </tr></thead>
          <tbody>${data.matrix.map(
            (c) => html`<tr data-cell="${c.provider}/${c.mailboxProvider}">
              <td>${c.provider}</td><td>${c.mailboxProvider}</td><td class="num">${c.samples}</td>
              <td class="num inbox-rate">${pct(c.rates.inbox.rate)}</td><td class="num">${interval(c.rates.inbox)}</td>
              <td class="num">${pct(c.rates.tabs.rate)}</td><td class="num">${pct(c.rates.spam.rate)}</td><td class="num">${pct(c.rates.missing.rate)}</td>
              <td class="num">${duration(c.latency.p50)}</td><td class="num">${duration(c.latency.p95)}</td>
            </tr>`,
          )}</tbody>
        </table></div>
      </section>
      <section class="panel" aria-labelledby="trend">
        <h3 id="trend">Trend</h3>
        <iw-chart label="Inbox rate per provider over time" .config=${inboxLines(data.series, data.window)}></iw-chart>
      </section>
    `;
  }
}

customElements.define('iw-providers', ProvidersView);
