import type { Notification, NotificationItem } from './types.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const VERB: Record<NotificationItem['kind'], string> = { firing: 'FIRING', repeat: 'STILL FIRING', resolved: 'RESOLVED' };

/** Minute precision in UTC, as people read it: 2026-11-30 15:51 UTC. */
const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 6) / 10;
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

/** A subject that says what happened without opening the message. */
export function subjectOf(notification: Notification): string {
  switch (notification.kind) {
    case 'test':
      return `[inboxwatch] Test notification for channel ${notification.channel}`;
    case 'digest':
      return `[inboxwatch] Digest since ${iso(notification.from).slice(0, 10)}`;
    case 'alert': {
      const [first, ...rest] = notification.items;
      if (!first) return '[inboxwatch] (no alerts)';
      const head = first.kind === 'resolved' ? `RESOLVED: ${first.title}` : first.kind === 'repeat' ? `STILL ${first.title}` : first.title;
      return `[inboxwatch] ${head}${rest.length > 0 ? ` (+${rest.length} more)` : ''}`;
    }
  }
}

/** The incident's own page: its state, evidence and notifications, with a link on to the facts behind it. */
export const itemLink = (dashboardUrl: string, item: NotificationItem): string => `${dashboardUrl.replace(/\/$/, '')}/alerts/${item.incidentId}`;

function itemText(item: NotificationItem, dashboardUrl: string, now: number): string {
  const lines = [`${VERB[item.kind]} [${item.severity}] ${item.title}`];
  if (item.kind === 'resolved') {
    lines.push(`Cleared at ${iso(item.resolvedAt ?? now)} after ${duration((item.resolvedAt ?? now) - item.since)}.`);
  } else {
    lines.push(item.summary, `Since: ${iso(item.since)} (${duration(now - item.since)} ago)`);
  }
  lines.push('', 'Evidence:', ...item.evidence.map((e) => `  ${e.label}: ${e.value}`));
  if (item.kind !== 'resolved' && item.actions.length > 0) lines.push('', 'What to do:', ...item.actions.map((a) => `  - ${a}`));
  lines.push('', `Dashboard: ${itemLink(dashboardUrl, item)}`, `Incident #${item.incidentId} (rule ${item.rule}, key ${item.key})`);
  return lines.join('\n');
}

/** The plain-text and HTML bodies of an email, both complete on their own. */
export function renderEmail(notification: Notification): RenderedEmail {
  const subject = subjectOf(notification);
  const now = notification.createdAt;
  const footer = `Sent by inboxwatch at ${iso(now)}. Silence an incident with POST /api/alerts/<incident>/silence, acknowledge it with POST /api/alerts/<incident>/ack.`;
  switch (notification.kind) {
    case 'test': {
      const text = `This is a test notification from inboxwatch for channel "${notification.channel}". If you can read it, the channel works.\n\nDashboard: ${notification.dashboardUrl}\n`;
      return { subject, text, html: page(subject, `<p>This is a test notification from inboxwatch for channel <b>${esc(notification.channel)}</b>. If you can read it, the channel works.</p><p><a href="${esc(notification.dashboardUrl)}">Open the dashboard</a></p>`, footer) };
    }
    case 'digest': {
      const text = notification.sections.map((s) => [s.heading, ...s.lines.map((l) => `  ${l}`)].join('\n')).join('\n\n');
      const html = notification.sections.map((s) => `<h2 style="font-size:16px;margin:16px 0 4px">${esc(s.heading)}</h2><ul style="margin:0;padding-left:20px">${s.lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`).join('');
      return { subject, text: `${text}\n\nDashboard: ${notification.dashboardUrl}\n\n${footer}\n`, html: page(subject, `${html}<p><a href="${esc(notification.dashboardUrl)}">Open the dashboard</a></p>`, footer) };
    }
    case 'alert': {
      const text = notification.items.map((item) => itemText(item, notification.dashboardUrl, now)).join('\n\n----\n\n');
      const html = notification.items.map((item) => itemHtml(item, notification.dashboardUrl, now)).join('');
      return { subject, text: `${text}\n\n${footer}\n`, html: page(subject, html, footer) };
    }
  }
}

const COLOURS: Record<string, string> = { critical: '#b42318', warning: '#b54708', info: '#175cd3', resolved: '#067647' };

function itemHtml(item: NotificationItem, dashboardUrl: string, now: number): string {
  const colour = item.kind === 'resolved' ? COLOURS.resolved : COLOURS[item.severity];
  const when =
    item.kind === 'resolved'
      ? `Cleared at ${esc(iso(item.resolvedAt ?? now))} after ${esc(duration((item.resolvedAt ?? now) - item.since))}.`
      : `${esc(item.summary)}<br><span style="color:#475467">Since ${esc(iso(item.since))} (${esc(duration(now - item.since))} ago)</span>`;
  const evidence = item.evidence
    .map((e) => `<tr><th style="text-align:left;padding:4px 12px 4px 0;color:#475467;font-weight:normal;vertical-align:top;white-space:nowrap">${esc(e.label)}</th><td style="padding:4px 0;font-family:monospace;word-break:break-all">${esc(e.value)}</td></tr>`)
    .join('');
  const actions = item.kind !== 'resolved' && item.actions.length > 0 ? `<h3 style="font-size:14px;margin:16px 0 4px">What to do</h3><ul style="margin:0;padding-left:20px">${item.actions.map((a) => `<li>${linkify(a)}</li>`).join('')}</ul>` : '';
  return `<div style="border:1px solid #d0d5dd;border-left:6px solid ${colour};border-radius:6px;padding:16px;margin:0 0 16px">
<div style="font-size:12px;font-weight:bold;letter-spacing:.05em;color:${colour}">${VERB[item.kind]} · ${esc(item.severity.toUpperCase())}</div>
<h2 style="font-size:18px;margin:4px 0 8px">${esc(item.title)}</h2>
<p style="margin:0 0 12px">${when}</p>
<table style="border-collapse:collapse;font-size:14px">${evidence}</table>
${actions}
<p style="margin:16px 0 0"><a href="${esc(itemLink(dashboardUrl, item))}" style="background:#1d2939;color:#fff;padding:8px 14px;border-radius:4px;text-decoration:none">Open in the dashboard</a>
<span style="color:#667085;font-size:12px;margin-left:8px">incident #${item.incidentId} · rule ${esc(item.rule)}</span></p>
</div>`;
}

function page(title: string, body: string, footer: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head>
<body style="margin:0;padding:24px;background:#f9fafb;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#101828">
<div style="max-width:680px;margin:0 auto;background:#fff;padding:24px;border-radius:8px">
<h1 style="font-size:16px;color:#475467;margin:0 0 16px">inboxwatch</h1>
${body}
<p style="color:#667085;font-size:12px;margin-top:24px">${esc(footer)}</p>
</div></body></html>`;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Escapes, then turns http(s) URLs into links (removal pages in the actions). */
function linkify(text: string): string {
  return esc(text).replace(/https?:\/\/[^\s<]+[^\s<.,;)]/g, (url) => `<a href="${url}">${url}</a>`);
}

/** The JSON a webhook receives: stable field names, one entry per incident. */
export function webhookBody(notification: Notification): Record<string, unknown> {
  const iso = (ms: number): string => new Date(ms).toISOString();
  const base = { source: 'inboxwatch', kind: notification.kind, createdAt: iso(notification.createdAt), subject: subjectOf(notification) };
  switch (notification.kind) {
    case 'test':
      return { ...base, channel: notification.channel };
    case 'digest':
      return { ...base, from: iso(notification.from), sections: notification.sections };
    case 'alert':
      return {
        ...base,
        alerts: notification.items.map((item) => ({
          status: item.kind === 'resolved' ? 'resolved' : 'firing',
          repeat: item.kind === 'repeat',
          incident: item.incidentId,
          rule: item.rule,
          type: item.ruleType,
          key: item.key,
          severity: item.severity,
          title: item.title,
          summary: item.summary,
          since: iso(item.since),
          resolvedAt: item.resolvedAt === null ? null : iso(item.resolvedAt),
          evidence: item.evidence,
          actions: item.actions,
          url: itemLink(notification.dashboardUrl, item),
        })),
      };
  }
}

/** Slack's incoming-webhook shape: a fallback text and one section per incident. */
export function slackBody(notification: Notification): Record<string, unknown> {
  const subject = subjectOf(notification);
  if (notification.kind !== 'alert') {
    const { text } = renderEmail(notification);
    return { text: subject, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${slackEsc(subject)}*\n${slackEsc(text.slice(0, 2800))}` } }] };
  }
  return {
    text: subject,
    blocks: notification.items.map((item) => ({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: [
          `*${VERB[item.kind]}* [${item.severity}] *${slackEsc(item.title)}*`,
          item.kind === 'resolved' ? `Cleared at ${iso(item.resolvedAt ?? notification.createdAt)}` : `${slackEsc(item.summary)} Since ${iso(item.since)}.`,
          ...item.evidence.map((e) => `• ${slackEsc(e.label)}: \`${slackEsc(e.value)}\``),
          `<${itemLink(notification.dashboardUrl, item)}|Open in the dashboard>`,
        ].join('\n'),
      },
    })),
  };
}

function slackEsc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
