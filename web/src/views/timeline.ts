import { html } from 'lit';
import { api, read, type Incident, type Timeline } from '../api.js';
import { inboxLines } from '../chart-configs.js';
import { themeColour, type Marker } from '../chart.js';
import { when } from '../format.js';
import { rangeMs, rangeQuery } from '../range.js';
import { eventMarks } from '../timeline-marks.js';
import { DataView, emptyState, PROVIDERS_YAML } from '../view.js';

interface Event {
  at: number;
  kind: 'dns' | 'audit' | 'listing' | 'incident';
  symbol: string;
  title: string;
  detail: string;
  href: string;
  bad: boolean;
}

type Data = Timeline & { incidents: Incident[] };

/** Incidents firing and resolving within the window: when the alerts told someone, and when it cleared. */
function incidentEvents(incidents: readonly Incident[], window: { from: number; to: number }): Event[] {
  const within = (at: number | null): at is number => at !== null && at >= window.from && at < window.to;
  return incidents.flatMap((i) => [
    ...(within(i.firedAt) ? [{ at: i.firedAt, kind: 'incident' as const, symbol: '⚑', title: `incident fired: ${i.title}`, detail: i.summary, href: `/alerts/${i.id}`, bad: true }] : []),
    ...(within(i.resolvedAt) ? [{ at: i.resolvedAt, kind: 'incident' as const, symbol: '⚐', title: `incident resolved: ${i.title}`, detail: '', href: `/alerts/${i.id}`, bad: false }] : []),
  ]);
}

function events(data: Data): Event[] {
  const dns: Event[] = data.changes.map((c) => ({
    at: c.observedAt,
    kind: 'dns',
    symbol: '◆',
    title: `${c.domain}: ${c.kind} record ${c.change}`,
    detail: [...c.removed.map((r) => `− ${r}`), ...c.added.map((r) => `+ ${r}`)].join('\n'),
    href: `/domains/${encodeURIComponent(c.domain)}`,
    bad: true,
  }));
  const audits: Event[] = data.audits.map((a) => ({
    at: a.at,
    kind: 'audit',
    symbol: a.regression ? '▼' : '▲',
    title: `${a.domain}: audit ${a.regression ? 'regressed' : 'improved'} ${a.from ?? 'new'} → ${a.to}`,
    detail: '',
    href: `/domains/${encodeURIComponent(a.domain)}`,
    bad: a.regression,
  }));
  const listings: Event[] = data.listings.map((l) => ({
    at: l.at,
    kind: 'listing',
    symbol: l.event === 'listed' ? '●' : '○',
    title: `${l.target} ${l.event} on ${l.zone}`,
    detail: l.reason ?? l.meaning ?? '',
    href: `/blocklists?target=${encodeURIComponent(l.target)}`,
    bad: l.event === 'listed',
  }));
  return [...dns, ...audits, ...listings, ...incidentEvents(data.incidents, data.window)].sort((x, y) => x.at - y.at);
}

/** Incidents asked for with the timeline; as many as each kind of event the server lists. */
const INCIDENT_LIMIT = 200;

/** What was cut from a long range, in words: "the newest 200 of 1,040 DNS changes" for each kind cut. */
function leftOut(data: Data): string[] {
  const kinds = [
    [data.changes.length, data.totals.changes, 'DNS changes'],
    [data.audits.length, data.totals.audits, 'audit status changes'],
    [data.listings.length, data.totals.listings, 'listings and delistings'],
  ] as const;
  const cut = kinds.filter(([shown, total]) => total > shown).map(([shown, total, what]) => `the newest ${shown.toLocaleString()} of ${total.toLocaleString()} ${what}`);
  // The alerts API does not count what it leaves out: a full page means there may be more.
  return data.incidents.length < INCIDENT_LIMIT ? cut : [...cut, `the newest ${INCIDENT_LIMIT} incidents (there may be more)`];
}

/** Placement rates on one time axis with the DNS changes, audit regressions, listings and incidents that explain them. */
class TimelineView extends DataView<Data> {
  protected async load(): Promise<Data> {
    const [timeline, alerts] = await Promise.all([
      api.timeline.$get({ query: rangeQuery(this.range) }).then(read),
      api.alerts.$get({ query: { ...rangeMs(this.range), limit: String(INCIDENT_LIMIT) } }).then(read),
    ]);
    return { ...timeline, incidents: alerts.incidents };
  }

  protected renderData(data: Data) {
    const list = events(data);
    const cut = leftOut(data);
    const { marks, grouped } = eventMarks(list, data.window);
    const markers: Marker[] = marks.map((m) => ({ x: m.x, colour: themeColour(m.bad ? '--bad' : '--ok') }));
    const unit = data.window.bucket;
    return html`
      <h2>Timeline</h2>
      <section class="panel" aria-labelledby="rates">
        <h3 id="rates">Inbox rate with the events that explain it</h3>
        ${data.series.length === 0
          ? emptyState('No placement tests in this range', 'The timeline overlays inbox rates with DNS changes, audit regressions, listings and incidents. Configure providers and seeds:', PROVIDERS_YAML)
          : html`<iw-chart label="Inbox rate per provider with dashed lines at events" .config=${inboxLines(data.series, data.window, markers)}></iw-chart>
              <p class="muted" data-markers=${grouped ? 'grouped' : 'each'}>${grouped
                ? `Too many events for a line each: a dashed line marks each ${unit} with events listed below (red: something got worse that ${unit}, green: only improvements).`
                : 'Dashed lines mark the events listed below (red: worse, green: better).'}</p>`}
      </section>
      <section class="panel" aria-labelledby="events">
        <h3 id="events">Events (${list.length})</h3>
        ${cut.length === 0 ? '' : html`<p class="muted" data-left-out>This range holds more events than one list shows. Shown: ${cut.join('; ')}. Narrow the range to see the rest.</p>`}
        ${list.length === 0
          ? html`<p class="muted">No DNS record changes, audit status changes, listings or incidents in this range.</p>`
          : html`<div class="scroll"><table>
              <thead><tr><th>When</th><th>Kind</th><th>What</th></tr></thead>
              <tbody>${list.map(
                (e) => html`<tr data-event=${e.kind}>
                  <td>${when(e.at)}</td>
                  <td><span class="badge ${e.bad ? 'bad' : 'ok'}"><span aria-hidden="true">${e.symbol}</span>${{ dns: 'DNS change', audit: 'Audit', listing: 'Blocklist', incident: 'Incident' }[e.kind]}</span></td>
                  <td><a href=${e.href}>${e.title}</a>${e.detail ? html`<pre>${e.detail}</pre>` : ''}</td>
                </tr>`,
              )}</tbody>
            </table></div>`}
      </section>
    `;
  }
}

customElements.define('iw-timeline', TimelineView);
