import { html, nothing } from 'lit';
import { api, read, type Settings } from '../api.js';
import { ago, when } from '../format.js';
import { DataView, statusBadge } from '../view.js';

/** The running configuration (secrets redacted), the job schedules with their next run, "run now" and channel tests for admins. */
class SettingsView extends DataView<Settings> {
  static override properties = { ...DataView.properties, notice: { state: true }, channelNotice: { state: true }, testing: { state: true } };
  notice = '';
  channelNotice = '';
  /** The channel a test is being sent through, while it is. */
  testing = '';
  private polling?: ReturnType<typeof setInterval>;

  protected load() {
    return api.settings.$get({ query: {} }).then(read);
  }

  private async runNow(name: string) {
    this.notice = `Starting ${name}…`;
    const response = await api.jobs[':name'].run.$post({ param: { name }, query: {} });
    const body = (await response.json()) as { error?: string; started?: boolean };
    this.notice = response.status === 202 ? `${name} started.` : `${name} not started: ${body.error ?? `HTTP ${response.status}`}`;
    await this.refresh();
    this.watch();
  }

  private async sendTest(channel: string) {
    this.testing = channel;
    this.channelNotice = `Sending a test through ${channel}…`;
    try {
      const response = await api.alerts.test.$post({ query: {}, json: { channel } });
      const body = (await response.json()) as { delivered?: boolean; error?: string };
      this.channelNotice = body.delivered ? `${channel}: test notification delivered.` : `${channel}: not delivered: ${body.error ?? `HTTP ${response.status}`}`;
    } finally {
      this.testing = '';
    }
  }

  /** Refreshes while any job runs, so the button comes back and the new run shows up when it ends. */
  private watch() {
    clearInterval(this.polling);
    this.polling = setInterval(() => {
      if (!this.data?.jobs.some((j) => j.running)) {
        clearInterval(this.polling);
        return;
      }
      void this.refresh();
    }, 1_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.polling);
  }

  protected renderData(data: Settings) {
    const admin = data.caller.role === 'admin';
    return html`
      <h2>Settings</h2>
      <section class="panel" aria-labelledby="jobs">
        <h3 id="jobs">Jobs</h3>
        ${admin ? nothing : html`<p class="muted" data-viewer>Signed in as ${data.caller.name} (viewer): you can see everything but not start runs.</p>`}
        <p role="status" aria-live="polite" class="notice">${this.notice}</p>
        <div class="scroll"><table>
          <thead><tr><th>Job</th><th>Schedule</th><th>Next run</th><th>Last run</th><th></th></tr></thead>
          <tbody>${data.jobs.map(
            (j) => html`<tr data-job=${j.name}>
              <td><strong>${j.name}</strong><div class="muted">${j.description}</div></td>
              <td>${j.schedule ? html`<code>${j.schedule}</code>` : html`<span class="muted">${j.idleReason ? `off: ${j.idleReason}` : 'on demand'}</span>`}</td>
              <td>${j.nextRunAt ? html`${when(j.nextRunAt)}<div class="muted">${ago(j.nextRunAt)}</div>` : '—'}</td>
              <td class="last-run">${j.running ? statusBadge('running') : j.lastRun ? html`${statusBadge(j.lastRun.status)} ${ago(j.lastRun.startedAt)}<div class="muted">${j.lastRun.error ?? j.lastRun.summary ?? ''}</div>` : html`<span class="muted">never</span>`}</td>
              <td>${admin ? html`<button class="primary" ?disabled=${j.running} @click=${() => this.runNow(j.name)}>Run ${j.name} now</button>` : nothing}</td>
            </tr>`,
          )}</tbody>
        </table></div>
      </section>
      <section class="panel" aria-labelledby="channels">
        <h3 id="channels">Alert channels</h3>
        ${data.channels.length === 0
          ? html`<p class="muted">No alert channels: incidents are shown here and in <code>/metrics</code> but sent nowhere. Add an email or webhook channel under <code>alerts.channels</code>.</p>`
          : html`<p role="status" aria-live="polite" class="notice" data-channel-notice>${this.channelNotice}</p>
              <div class="scroll"><table>
                <thead><tr><th>Channel</th><th>Type</th><th>Sends to</th><th></th></tr></thead>
                <tbody>${data.channels.map(
                  (c) => html`<tr data-channel=${c.name}>
                    <td><strong>${c.name}</strong></td>
                    <td>${c.type}</td>
                    <td><code>${c.target}</code></td>
                    <td>${admin && data.channelTests ? html`<button ?disabled=${this.testing !== ''} @click=${() => this.sendTest(c.name)}>Send a test to ${c.name}</button>` : nothing}</td>
                  </tr>`,
                )}</tbody>
              </table></div>`}
      </section>
      <section class="panel" aria-labelledby="config">
        <h3 id="config">Running configuration</h3>
        <p class="muted">As loaded, with defaults filled in. Passwords, tokens and keys show as [redacted]; they are never stored or sent by the server.</p>
        <pre data-config>${JSON.stringify(data.config, null, 2)}</pre>
      </section>
    `;
  }
}

customElements.define('iw-settings', SettingsView);
