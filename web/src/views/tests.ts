import { html } from 'lit';
import { api, read, type TestList } from '../api.js';
import { when } from '../format.js';
import { DataView, emptyState, placementBadge, PROVIDERS_YAML } from '../view.js';

const ORDER = ['inbox', 'promotions', 'social', 'updates', 'forums', 'other-folder', 'spam', 'missing', 'error', 'send-error', 'pending'];

/** The placement tests, newest first, each with where its messages landed. */
class TestsView extends DataView<TestList> {
  protected load() {
    return api.tests.$get({ query: { limit: '100' } }).then(read);
  }

  protected renderData(data: TestList) {
    if (data.tests.length === 0) {
      return html`<h2>Tests</h2>${emptyState('No placement tests yet', 'A test sends one message per provider to every seed mailbox and reads back where each landed. Configure providers and seeds, then run inboxwatch test:', PROVIDERS_YAML)}`;
    }
    return html`
      <h2>Tests</h2>
      <div class="scroll"><table>
        <thead><tr><th>#</th><th>Started</th><th>Providers</th><th>Status</th><th>Messages</th></tr></thead>
        <tbody>${data.tests.map(
          (t) => html`<tr data-test=${t.id}>
            <td><a href="/tests/${t.id}">#${t.id}</a></td>
            <td>${when(t.startedAt)}</td>
            <td>${t.providers.join(', ')}</td>
            <td>${t.status}</td>
            <td>${ORDER.filter((p) => (t.counts as Record<string, number | undefined>)[p]).map(
              (p) => html`<span class="tally">${placementBadge(p)} ${(t.counts as Record<string, number>)[p]}</span> `,
            )}</td>
          </tr>`,
        )}</tbody>
      </table></div>
    `;
  }
}

customElements.define('iw-tests', TestsView);
