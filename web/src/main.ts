import { css, html, LitElement, nothing } from 'lit';
import { api, setCsrf, type SessionInfo } from './api.js';
import './style.css';
import { isoDay, PRESETS, rangeOf, type Range } from './range.js';
import { navigate, parseRoute, withParams, type Route, type View } from './route.js';
import './views/alerts.js';
import './views/blocklists.js';
import './views/domains.js';
import './views/overview.js';
import './views/providers.js';
import './views/reports.js';
import './views/settings.js';
import './views/test-detail.js';
import './views/tests.js';
import './views/timeline.js';

const NAV: Array<[href: string, label: string, views: View[]]> = [
  ['/', 'Overview', ['overview']],
  ['/providers', 'Providers', ['providers']],
  ['/timeline', 'Timeline', ['timeline']],
  ['/tests', 'Tests', ['tests', 'test']],
  ['/domains', 'Domains', ['domains', 'domain']],
  ['/blocklists', 'Blocklists', ['blocklists']],
  ['/alerts', 'Alerts', ['alerts', 'alert']],
  ['/reports', 'Reports', ['reports', 'report']],
  ['/settings', 'Settings', ['settings']],
];

/** Views whose content depends on the time range; the picker is shown only for them. */
const RANGED: View[] = ['overview', 'providers', 'timeline', 'domain', 'blocklists', 'alerts', 'reports', 'report'];

/** The dashboard shell: sign-in, navigation, the time-range picker and the current view. */
class InboxwatchApp extends LitElement {
  static override properties = { session: { state: true }, route: { state: true }, range: { state: true }, signInError: { state: true }, checked: { state: true } };

  static override styles = css`
    :host { display: block; max-width: 1240px; margin: 0 auto; padding: 12px 16px 40px; color: var(--fg); }
    header { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; border-bottom: 1px solid var(--line); padding-bottom: 8px; margin-bottom: 12px; }
    h1 { font-size: 19px; margin: 0; }
    nav ul { display: flex; flex-wrap: wrap; gap: 4px; list-style: none; margin: 0; padding: 0; }
    nav a { display: block; padding: 6px 10px; border-radius: 6px; color: var(--fg); text-decoration: none; }
    nav a[aria-current='page'] { background: var(--panel); border: 1px solid var(--line); font-weight: 600; }
    a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
    .who { margin-left: auto; display: flex; gap: 8px; align-items: center; color: var(--muted); }
    .range { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 0 0 14px; }
    .range a { padding: 4px 10px; border: 1px solid var(--line); border-radius: 14px; color: var(--fg); text-decoration: none; }
    .range a[aria-current='true'] { background: var(--accent); color: var(--bg); border-color: var(--accent); font-weight: 600; }
    .range form { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
    input, button { font: inherit; padding: 5px 10px; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); }
    button.primary { background: var(--accent); border-color: var(--accent); color: var(--bg); font-weight: 600; cursor: pointer; }
    .signin { max-width: 460px; margin: 60px auto; }
    .signin form { display: flex; gap: 8px; }
    .signin input { flex: 1; }
    .error { color: var(--bad); }
    .muted { color: var(--muted); }
  `;

  session?: SessionInfo;
  route?: Route;
  range: Range = rangeOf(new URLSearchParams(), Date.now());
  signInError = '';
  checked = false;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onLocation);
    this.addEventListener('click', this.onClick);
    this.addEventListener('iw-unauthorized', this.onUnauthorized);
    this.onLocation();
    void this.restoreSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onLocation);
  }

  private readonly onLocation = () => {
    const url = new URL(location.href);
    this.route = parseRoute(url);
    const range = rangeOf(url.searchParams, Date.now());
    // Keep the same object when the range did not change, so views do not reload for an unrelated parameter.
    const same = range.preset === this.range.preset && (range.preset !== 'custom' || (range.from === this.range.from && range.to === this.range.to));
    if (!same) this.range = range;
  };

  /** In-app links navigate without a reload; the shadow DOM hides them from the document's own handling. */
  private readonly onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = event.composedPath().find((node): node is HTMLAnchorElement => node instanceof HTMLAnchorElement);
    // Downloads (a rejected report's content) are files from the API, not views.
    if (!anchor || anchor.target === '_blank' || anchor.hasAttribute('download') || anchor.origin !== location.origin) return;
    event.preventDefault();
    navigate(anchor.pathname + anchor.search);
  };

  private readonly onUnauthorized = () => {
    this.session = undefined;
    setCsrf(null);
    this.signInError = 'Your session has ended. Sign in again.';
  };

  private async restoreSession() {
    // A sign-in link (`/#token=…`, as the demo prints) signs in once; the fragment never reaches the server
    // and leaves the address bar and history at once.
    const linked = /^#token=(.+)$/.exec(location.hash)?.[1];
    if (linked) {
      history.replaceState(null, '', location.pathname + location.search);
      await this.exchange(decodeURIComponent(linked));
      this.checked = true;
      return;
    }
    const response = await api.session.$get({ query: {} });
    if (response.ok) {
      this.session = await response.json();
      setCsrf(this.session.csrf);
    }
    this.checked = true;
  }

  private async signIn(event: SubmitEvent) {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
    if (await this.exchange(input.value)) input.value = '';
  }

  /** Trades an API token for a session cookie; the token itself is never kept in the page. */
  private async exchange(token: string): Promise<boolean> {
    const response = await api.session.$post({ json: { token }, query: {} });
    if (response.ok) {
      const body = (await response.json()) as SessionInfo;
      this.session = body;
      setCsrf(body.csrf);
      this.signInError = '';
      return true;
    }
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    this.signInError = body.error ?? `Sign-in failed (HTTP ${response.status}).`;
    return false;
  }

  private async signOut() {
    await api.session.$delete({ query: {} });
    setCsrf(null);
    this.session = undefined;
    this.signInError = '';
  }

  private customRange(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    navigate(withParams({ range: null, from: value('from'), to: value('to') }));
  }

  override render() {
    if (!this.checked) return html`<p class="muted">Loading…</p>`;
    if (!this.session) return this.renderSignIn();
    const view = this.route?.view;
    const kept = this.keptRange();
    return html`
      <header>
        <h1>inboxwatch</h1>
        <nav aria-label="Views"><ul>${NAV.map(([href, label, views]) => html`<li><a href=${href + kept} aria-current=${view && views.includes(view) ? 'page' : nothing}>${label}</a></li>`)}</ul></nav>
        <div class="who"><span>${this.session.name} (${this.session.role})</span><button @click=${this.signOut}>Sign out</button></div>
      </header>
      ${view && RANGED.includes(view) ? this.renderRange() : nothing}
      <main>${this.renderView()}</main>
    `;
  }

  /** The range travels with the navigation, so every view shows the period chosen. */
  private keptRange(): string {
    const current = new URL(location.href).searchParams;
    const kept = new URLSearchParams();
    for (const key of ['range', 'from', 'to']) {
      const value = current.get(key);
      if (value !== null) kept.set(key, value);
    }
    const query = kept.toString();
    return query ? `?${query}` : '';
  }

  private renderRange() {
    const r = this.range;
    return html`<div class="range" role="group" aria-label="Time range">
      ${Object.keys(PRESETS).map((preset) => html`<a href=${withParams({ range: preset, from: null, to: null })} aria-current=${r.preset === preset ? 'true' : 'false'}>${preset}</a>`)}
      <form @submit=${this.customRange} aria-label="Custom range">
        <label>From <input type="date" name="from" required .value=${isoDay(r.from)} /></label>
        <label>To <input type="date" name="to" required .value=${isoDay(r.to - 1)} /></label>
        <button>Apply</button>
      </form>
      ${r.preset === 'custom' ? html`<span class="muted">custom: ${isoDay(r.from)} to ${isoDay(r.to - 1)} (UTC)</span>` : nothing}
    </div>`;
  }

  private renderView() {
    const route = this.route;
    if (!route) return html`<h2>Not found</h2><p><a href="/">Back to the overview</a></p>`;
    const range = this.range;
    switch (route.view) {
      case 'overview':
        return html`<iw-overview .route=${route} .range=${range}></iw-overview>`;
      case 'providers':
        return html`<iw-providers .route=${route} .range=${range}></iw-providers>`;
      case 'timeline':
        return html`<iw-timeline .route=${route} .range=${range}></iw-timeline>`;
      case 'tests':
        return html`<iw-tests .route=${route} .range=${range}></iw-tests>`;
      case 'test':
        return html`<iw-test .route=${route} .range=${range}></iw-test>`;
      case 'domains':
        return html`<iw-domains .route=${route} .range=${range}></iw-domains>`;
      case 'domain':
        return html`<iw-domain .route=${route} .range=${range}></iw-domain>`;
      case 'blocklists':
        return html`<iw-blocklists .route=${route} .range=${range}></iw-blocklists>`;
      case 'alerts':
        return html`<iw-alerts .route=${route} .range=${range}></iw-alerts>`;
      case 'alert':
        return html`<iw-alert .route=${route} .range=${range}></iw-alert>`;
      case 'reports':
        return html`<iw-reports .route=${route} .range=${range}></iw-reports>`;
      case 'report':
        return html`<iw-report .route=${route} .range=${range}></iw-report>`;
      case 'settings':
        return html`<iw-settings .route=${route} .range=${range}></iw-settings>`;
    }
  }

  private renderSignIn() {
    return html`<div class="signin">
      <h1>inboxwatch</h1>
      <p>Sign in with an API token from <code>server.tokens</code> in your configuration, or the one generated in <code>data/api-token</code> when none are configured.</p>
      <form @submit=${this.signIn}>
        <label class="muted" for="token" hidden>API token</label>
        <input id="token" name="token" type="password" autocomplete="off" placeholder="API token" aria-label="API token" required />
        <button class="primary">Sign in</button>
      </form>
      ${this.signInError ? html`<p class="error" role="alert">${this.signInError}</p>` : nothing}
    </div>`;
  }
}

customElements.define('iw-app', InboxwatchApp);
