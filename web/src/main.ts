import { css, html, LitElement } from 'lit';
import { getJson, storedToken, storeToken, Unauthorized } from './api.js';

interface Run {
  id: number;
  job: string;
  trigger: string;
  startedAt: number;
  finishedAt: number | null;
  status: string;
  summary: string | null;
  error: string | null;
}

interface JobInfo {
  name: string;
  description: string;
  schedule: string | null;
  idleReason: string | null;
  running: boolean;
}

/** The dashboard shell: sign-in with an API token, then the jobs and their recent runs. */
class InboxwatchApp extends LitElement {
  static override properties = {
    runs: { state: true },
    jobs: { state: true },
    needsToken: { state: true },
    error: { state: true },
  };

  static override styles = css`
    :host { display: block; font: 14px/1.45 system-ui, sans-serif; color: #1d2330; max-width: 1100px; margin: 0 auto; padding: 24px; }
    header { display: flex; align-items: baseline; gap: 12px; border-bottom: 1px solid #dde2ea; margin-bottom: 16px; }
    h1 { font-size: 20px; margin: 0 0 12px; }
    h2 { font-size: 15px; margin: 24px 0 8px; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eef1f5; vertical-align: top; }
    th { font-weight: 600; color: #5a6475; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
    .status { font-weight: 600; }
    .ok { color: #157f3b; } .error { color: #b42318; } .interrupted { color: #b54708; } .running { color: #175cd3; }
    form { display: flex; gap: 8px; margin-top: 16px; }
    input { flex: 1; padding: 6px 8px; font: inherit; }
    button { font: inherit; padding: 6px 12px; }
    .muted { color: #5a6475; }
  `;

  runs: Run[] = [];
  jobs: JobInfo[] = [];
  needsToken = !storedToken();
  error = '';

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.needsToken) void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [runs, jobs] = await Promise.all([getJson<{ runs: Run[] }>('/api/runs?limit=50'), getJson<{ jobs: JobInfo[] }>('/api/jobs')]);
      this.runs = runs.runs;
      this.jobs = jobs.jobs;
      this.error = '';
    } catch (error) {
      if (error instanceof Unauthorized) {
        storeToken(null);
        this.needsToken = true;
        this.error = 'That token was not accepted.';
      } else {
        this.error = (error as Error).message;
      }
    }
  }

  private signIn(event: SubmitEvent): void {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
    storeToken(input.value.trim());
    this.needsToken = false;
    void this.load();
  }

  override render() {
    return html`
      <header><h1>inboxwatch</h1><span class="muted">deliverability monitor</span></header>
      ${this.error ? html`<p class="error">${this.error}</p>` : ''}
      ${this.needsToken ? this.renderSignIn() : this.renderOverview()}
    `;
  }

  private renderSignIn() {
    return html`
      <p>Paste an API token from <code>server.tokens</code>, or the generated one in <code>data/api-token</code>.</p>
      <form @submit=${this.signIn}><input name="token" type="password" autocomplete="off" placeholder="API token" /><button>Sign in</button></form>
    `;
  }

  private renderOverview() {
    return html`
      <h2>Jobs</h2>
      <table>
        <thead><tr><th>Job</th><th>Schedule</th><th>What it does</th></tr></thead>
        <tbody>${this.jobs.map((j) => html`<tr><td>${j.name}${j.running ? html` <span class="running">running</span>` : ''}</td><td>${j.schedule ?? html`<span class="muted">${j.idleReason ? `idle: ${j.idleReason}` : 'on demand'}</span>`}</td><td>${j.description}</td></tr>`)}</tbody>
      </table>
      <h2>Recent runs</h2>
      ${this.runs.length === 0
        ? html`<p class="muted">No runs yet.</p>`
        : html`<table>
            <thead><tr><th>#</th><th>Job</th><th>Started</th><th>Took</th><th>Status</th><th>Result</th></tr></thead>
            <tbody>${this.runs.map(
              (r) => html`<tr>
                <td>${r.id}</td><td>${r.job}</td><td>${new Date(r.startedAt).toLocaleString()}</td>
                <td>${r.finishedAt === null ? '—' : `${((r.finishedAt - r.startedAt) / 1000).toFixed(1)} s`}</td>
                <td class="status ${r.status}">${r.status}</td><td>${r.error ?? r.summary ?? ''}</td>
              </tr>`,
            )}</tbody>
          </table>`}
    `;
  }
}

customElements.define('iw-app', InboxwatchApp);
