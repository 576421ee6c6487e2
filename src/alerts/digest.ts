import type { DigestFacts } from './store.js';
import type { DigestSection } from './types.js';

const INBOX = new Set(['inbox', 'promotions', 'social', 'updates', 'forums']);
const OUR_FAULT = new Set(['error', 'send-error']);
const pct = (n: number, of: number): string => (of === 0 ? '–' : `${Number(((n / of) * 100).toFixed(1))}%`);

/** The digest's sections: placement by provider, current listings, audit findings, incidents. */
export function digestSections(facts: DigestFacts): DigestSection[] {
  const byProvider = new Map<string, { inbox: number; spam: number; missing: number; observed: number; errors: number }>();
  for (const p of facts.placements) {
    const r = byProvider.get(p.provider) ?? { inbox: 0, spam: 0, missing: 0, observed: 0, errors: 0 };
    if (OUR_FAULT.has(p.placement)) r.errors += p.count;
    else {
      r.observed += p.count;
      if (INBOX.has(p.placement)) r.inbox += p.count;
      if (p.placement === 'spam') r.spam += p.count;
      if (p.placement === 'missing') r.missing += p.count;
    }
    byProvider.set(p.provider, r);
  }
  const placement = [...byProvider].map(
    ([provider, r]) =>
      `${provider}: inbox ${pct(r.inbox, r.observed)}, spam ${pct(r.spam, r.observed)}, missing ${pct(r.missing, r.observed)} of ${r.observed} messages` +
      (r.errors > 0 ? ` (${r.errors} not checked: our errors)` : ''),
  );
  const firing = facts.incidents.filter((i) => i.state === 'firing');
  const resolved = facts.incidents.filter((i) => i.state === 'resolved');
  return [
    { heading: 'Placement by provider', lines: placement.length > 0 ? placement : ['no placement tests in this period'] },
    {
      heading: 'Blocklist listings now',
      lines: facts.listings.length > 0 ? facts.listings.map((l) => `${l.target} on ${l.list} (${l.zone})${l.severity === 'info' ? ' — policy listing' : ''}`) : ['none'],
    },
    {
      heading: 'DNS authentication findings (latest audit)',
      lines: facts.findings.length > 0 ? facts.findings.slice(0, 30).map((f) => `${f.domain}: ${f.status.toUpperCase()} ${f.checkId} — ${f.message}`) : ['none'],
    },
    {
      heading: 'Incidents',
      lines: [...firing.map((i) => `FIRING since ${new Date(i.startedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC: ${i.title}`), ...resolved.map((i) => `resolved: ${i.title}`)].concat(
        facts.incidents.length === 0 ? ['none'] : [],
      ),
    },
  ];
}
