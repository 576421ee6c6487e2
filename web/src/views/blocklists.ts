import { html, nothing } from 'lit';
import { api, read, type BlocklistHistory, type Blocklists } from '../api.js';
import { when } from '../format.js';
import { rangeQuery } from '../range.js';
import { withParams } from '../route.js';
import { BLOCKLISTS_YAML, DataView, emptyState } from '../view.js';

type Status = Blocklists['notClean'][number];

interface Data {
  matrix: Blocklists;
  history: BlocklistHistory | null;
}

const CELL: Record<string, [symbol: string, text: string]> = {
  listed: ['●', 'listed'],
  clean: ['✓', 'clean'],
  error: ['!', 'error'],
  suspect: ['?', 'held'],
};

/** Targets × lists: listed, clean, lookup error and unhealthy list told apart by symbol and word as well as colour. */
class BlocklistsView extends DataView<Data> {
  protected async load(): Promise<Data> {
    const target = this.route.params.get('target');
    const [matrix, history] = await Promise.all([
      api.blocklists.$get({ query: {} }).then(read),
      target ? api.blocklists.history.$get({ query: { target, ...rangeQuery(this.range), limit: '200' } }).then(read) : Promise.resolve(null),
    ]);
    return { matrix, history };
  }

  protected renderData({ matrix, history }: Data) {
    if (matrix.targets.length === 0) {
      return html`<h2>Blocklists</h2>${emptyState('No blocklist checks yet', 'List your sending IPs and domains; the blocklists job checks them against the DNS blocklists every 30 minutes:', BLOCKLISTS_YAML)}`;
    }
    const { targets, lists, cells } = matrix;
    const health = new Map(matrix.health.map((h) => [h.zone, h]));
    const selected = this.route.params.get('target');
    const listed = matrix.notClean.filter((s) => s.status === 'listed');
    const errors = cells.reduce((sum, row) => sum + row.filter((status) => status === 'error').length, 0);
    return html`
      <h2>Blocklists</h2>
      <p>${listed.length} listed · ${errors} lookup errors · ${matrix.health.filter((h) => !h.healthy).length} unhealthy lists · ${targets.length} targets × ${lists.length} lists</p>
      <div class="scroll"><table class="matrix">
        <thead><tr><th>Target</th>${lists.map(({ zone: z, list }) => {
          const h = health.get(z);
          return html`<th scope="col" title=${h?.cause ?? ''}>${h?.list ?? list}${h && !h.healthy ? html`<div class="unhealthy" data-unhealthy=${z}>⚠ unhealthy</div>` : nothing}</th>`;
        })}</tr></thead>
        <tbody>${targets.map(
          (t, row) => html`<tr>
            <th scope="row"><a href=${withParams({ target: t })}>${t}</a></th>
            ${lists.map(({ zone: z }, column) => {
              const status = cells[row]?.[column] ?? null;
              if (status === null) return html`<td class="muted">n/a</td>`;
              const [symbol, text] = CELL[status] ?? ['?', status];
              const unhealthy = health.get(z)?.healthy === false;
              return html`<td data-target=${t} data-zone=${z} data-status=${status}>
                <span class="badge ${status}"><span aria-hidden="true">${symbol}</span>${text}</span>
                ${unhealthy && status !== 'listed' ? html`<div class="unhealthy">(list unhealthy)</div>` : nothing}
              </td>`;
            })}
          </tr>`,
        )}</tbody>
      </table></div>
      ${listed.length > 0 ? html`<h3>Listings</h3>${listed.map((s) => this.renderListing(s))}` : nothing}
      ${matrix.health.some((h) => !h.healthy)
        ? html`<h3>Unhealthy lists</h3><ul>${matrix.health.filter((h) => !h.healthy).map((h) => html`<li><strong>${h.list}</strong> since ${when(h.since)}: ${h.cause ?? 'unknown cause'} — its answers are not trusted.</li>`)}</ul>`
        : nothing}
      ${selected ? this.renderHistory(selected, history) : html`<p class="muted">Select a target for its listing history.</p>`}
    `;
  }

  private renderListing(s: Status) {
    return html`<div class="panel" data-listing="${s.target}/${s.zone}">
      <p><span class="badge listed"><span aria-hidden="true">●</span>listed</span> <strong>${s.target}</strong> on <strong>${s.list}</strong> since ${when(s.since)}${s.codes.length ? html` · code ${s.codes.join(', ')}` : nothing}${s.meaning ? ` (${s.meaning})` : ''}</p>
      ${s.reason ? html`<p>Reason: ${s.reason}</p>` : nothing}
      ${s.delistUrl ? html`<p><a href=${s.delistUrl} rel="noreferrer noopener" target="_blank">Request delisting at ${new URL(s.delistUrl).hostname}</a></p>` : nothing}
    </div>`;
  }

  private renderHistory(target: string, history: BlocklistHistory | null) {
    return html`<section class="panel" aria-labelledby="history">
      <h3 id="history">History of ${target} in this range</h3>
      ${!history || history.events.length === 0
        ? html`<p class="muted">No changes in this range.</p>`
        : html`<table>
            <thead><tr><th>When</th><th>List</th><th>Change</th><th>Reason</th></tr></thead>
            <tbody>${history.events.map(
              (e) => html`<tr data-event=${e.event}><td>${when(e.at)}</td><td>${e.zone}</td><td>${e.event.replace('_', ' ')} (${e.fromStatus ?? '—'} → ${e.toStatus})</td><td>${e.reason ?? e.error ?? e.meaning ?? ''}</td></tr>`,
            )}</tbody>
          </table>`}
    </section>`;
  }
}

customElements.define('iw-blocklists', BlocklistsView);
