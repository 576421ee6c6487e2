import { css, html, nothing } from 'lit';
import { api, read, type TestDetail } from '../api.js';
import { duration, when } from '../format.js';
import { DataView, placementBadge, shared } from '../view.js';

type Seed = TestDetail['providers'][number]['seeds'][number];
type Auth = Seed['auth'];

function authLine(auth: Auth, who: string) {
  if (!auth) return html`<div class="muted">${who}: —</div>`;
  const word = (name: string, value: string) => html`<span class=${value === 'pass' ? 'pass' : value === 'none' ? 'muted' : 'fail'}>${name}=${value}</span>`;
  return html`<div>${who}: ${word('spf', auth.spf)} ${word('dkim', auth.dkim)} ${word('dmarc', auth.dmarc)}</div>`;
}

/** Authentication-Results split into one method per line, so the verdicts read at a glance. */
function readableAuthResults(headers: string): string[] {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  return unfolded
    .split(/\r?\n/)
    .filter((line) => /^authentication-results:/i.test(line))
    .map((line) => line.replace(/^authentication-results:\s*/i, '').split(/;\s*/).join('\n  '));
}

/** One placement test: the seed × provider grid, and per message its evidence. */
class TestDetailView extends DataView<TestDetail> {
  static override properties = { ...DataView.properties, open: { state: true } };
  static override styles = [
    shared,
    css`
      .cell { display: block; width: 100%; text-align: left; border-radius: 6px; padding: 6px 8px; }
      .cell[aria-expanded='true'] { border-color: var(--accent); }
      ol.hops { padding-left: 20px; }
      ol.hops li { margin-bottom: 6px; }
    `,
  ];

  /** The message whose evidence is shown: "provider seed". */
  open = '';

  protected load() {
    return api.tests[':id'].$get({ param: { id: this.route.id ?? '' }, query: {} }).then(read);
  }

  protected renderData(data: TestDetail) {
    const seeds = [...new Set(data.providers.flatMap((p) => p.seeds.map((s) => s.seed)))].sort();
    const find = (provider: string, seed: string) => data.providers.find((p) => p.provider === provider)?.seeds.find((s) => s.seed === seed);
    const selected = data.providers.flatMap((p) => p.seeds.map((s) => ({ provider: p.provider, seed: s }))).find((x) => `${x.provider} ${x.seed.seed}` === this.open);
    return html`
      <p><a href="/tests">← All tests</a></p>
      <h2>Test #${data.test.id}</h2>
      <p class="muted">Started ${when(data.test.startedAt)} · ${data.test.status}${data.test.finishedAt ? ` · finished ${when(data.test.finishedAt)}` : ''} · token <code>${data.test.token}</code></p>
      <section class="panel" aria-labelledby="grid">
        <h3 id="grid">Seed grid</h3>
        <p class="muted">Each cell: where the message landed, how long it took, SPF/DKIM/DMARC as the receiver saw them and as we verified them, and the spam score. Select a cell for its headers.</p>
        <div class="scroll"><table>
          <thead><tr><th>Seed</th>${data.providers.map((p) => html`<th>${p.provider}</th>`)}</tr></thead>
          <tbody>${seeds.map(
            (seed) => html`<tr>
              <th scope="row">${seed}<div class="muted">${find(data.providers[0]?.provider ?? '', seed)?.mailboxProvider ?? ''}</div></th>
              ${data.providers.map((p) => {
                const s = find(p.provider, seed);
                if (!s) return html`<td class="muted">—</td>`;
                const key = `${p.provider} ${seed}`;
                return html`<td data-seed=${seed} data-provider=${p.provider}>
                  <button class="cell" aria-expanded=${this.open === key ? 'true' : 'false'} @click=${() => (this.open = this.open === key ? '' : key)}>
                    ${placementBadge(s.placement)}${s.late ? html` <span class="warn">(late)</span>` : nothing}
                    <div>${duration(s.latencyMs)}</div>
                    ${authLine(s.receiverAuth, 'receiver')}${authLine(s.auth, 'ours')}
                    <div class="muted">spam score ${s.spam?.score ?? '—'}${s.spam?.required !== undefined ? ` / ${s.spam.required}` : ''}</div>
                  </button>
                </td>`;
              })}
            </tr>`,
          )}</tbody>
        </table></div>
      </section>
      ${selected ? this.renderMessage(selected.provider, selected.seed) : nothing}
    `;
  }

  private renderMessage(provider: string, seed: Seed) {
    const evidence = seed.evidence;
    const headers = evidence?.headers ?? null;
    return html`<section class="panel" aria-labelledby="message">
      <h3 id="message">${provider} → ${seed.seed}</h3>
      <p>${placementBadge(seed.placement)} in <code>${seed.folder ?? '—'}</code>${seed.labels.length ? html` · labels ${seed.labels.join(', ')}` : nothing}
        · searched ${seed.foldersSearched.join(', ') || '—'} · Message-ID <code>${seed.messageId}</code></p>
      <p>Sent: ${seed.send.status} ${seed.send.response ? html`<code>${seed.send.response}</code>` : nothing}${seed.error ? html` · <span class="error">${seed.error}</span>` : nothing}</p>
      <h3>Authentication-Results</h3>
      ${headers && readableAuthResults(headers).length > 0 ? readableAuthResults(headers).map((a) => html`<pre class="auth-results">${a}</pre>`) : html`<p class="muted">None in the message.</p>`}
      <h3>Received hops (oldest first)</h3>
      ${evidence && evidence.hops.length > 0
        ? html`<ol class="hops">${[...evidence.hops].reverse().map(
            (hop, i, hops) => html`<li>
              <strong>${hop.from ?? '?'}</strong>${hop.ip ? html` [${hop.ip}]` : nothing} → <strong>${hop.by ?? '?'}</strong>
              <span class="muted">with ${hop.with ?? '?'}</span>
              ${hop.tls === true ? html`<span class="pass">TLS${hop.tlsVersion ? ` ${hop.tlsVersion}` : ''}</span>` : hop.tls === false ? html`<span class="fail">no TLS</span>` : nothing}
              ${hop.at ? html`<span class="muted"> · ${when(hop.at)}${i > 0 && hops[i - 1]?.at ? ` (+${duration(hop.at - (hops[i - 1]?.at ?? hop.at))})` : ''}</span>` : nothing}
            </li>`,
          )}</ol>`
        : html`<p class="muted">No Received headers parsed.</p>`}
      <details><summary>All headers</summary><pre>${headers ?? 'Not stored.'}</pre></details>
    </section>`;
  }
}

customElements.define('iw-test', TestDetailView);
