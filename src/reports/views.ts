import type { Sql } from '../store/sql.js';
import { listAggregates, listFailures, listRejected, listTls, overridesFor, sourcesFor, type SourceSummary } from './store.js';

export interface ProviderSummary {
  /** The known sender, else the PTR's registrable domain, else "no reverse DNS". */
  provider: string;
  messages: number;
  passed: number;
  passRate: number;
  sources: number;
}

export interface SourcesView {
  domain: string;
  from: number;
  to: number;
  totals: { messages: number; passed: number; passRate: number; spfFailed: number; dkimFailed: number; wouldReject: number };
  providers: ProviderSummary[];
  sources: Array<SourceSummary & { provider: string; flags: string[] }>;
  overrides: Array<{ type: string; messages: number }>;
  /** Sources whose failing mail a move to p=reject would turn away, most first. */
  wouldReject: Array<{ ip: string; provider: string; messages: number }>;
}

const NO_PTR = 'no reverse DNS';

export function providerOf(source: Pick<SourceSummary, 'label' | 'baseDomain' | 'ptr' | 'enrichment'>): string {
  if (source.enrichment === 'pending') return 'not looked up yet';
  if (source.enrichment === 'error') return 'reverse DNS failed';
  return source.label ?? source.baseDomain ?? source.ptr ?? NO_PTR;
}

/** Flags a domain owner acts on: no forward-confirmed reverse DNS, or mail failing DMARC. */
function flagsOf(source: SourceSummary): string[] {
  const flags: string[] = [];
  if (source.enrichment === 'ok' && source.ptr === null) flags.push('no-ptr');
  else if (source.enrichment === 'ok' && source.fcrdns === false) flags.push('no-fcrdns');
  if (source.passed < source.messages) flags.push(source.passed === 0 ? 'unauthenticated' : 'partly-failing');
  return flags;
}

/** Volume and DMARC pass rate by provider and source IP for one domain, with what p=reject would change. */
export async function sourcesView(db: Sql, query: { domain: string; from: number; to: number }): Promise<SourcesView> {
  const [rows, overrides] = await Promise.all([sourcesFor(db, query), overridesFor(db, query)]);
  const sources = rows.map((s) => ({ ...s, provider: providerOf(s), flags: flagsOf(s) }));
  const byProvider = new Map<string, ProviderSummary>();
  for (const s of sources) {
    const p = byProvider.get(s.provider) ?? { provider: s.provider, messages: 0, passed: 0, passRate: 0, sources: 0 };
    p.messages += s.messages;
    p.passed += s.passed;
    p.sources++;
    byProvider.set(s.provider, p);
  }
  const sum = (pick: (s: SourceSummary) => number) => sources.reduce((total, s) => total + pick(s), 0);
  const messages = sum((s) => s.messages);
  const passed = sum((s) => s.passed);
  return {
    ...query,
    totals: { messages, passed, passRate: messages === 0 ? 1 : passed / messages, spfFailed: sum((s) => s.spfFailed), dkimFailed: sum((s) => s.dkimFailed), wouldReject: sum((s) => s.wouldReject) },
    providers: [...byProvider.values()].map((p) => ({ ...p, passRate: p.messages === 0 ? 1 : p.passed / p.messages })).sort((a, b) => b.messages - a.messages),
    sources,
    overrides,
    wouldReject: sources.filter((s) => s.wouldReject > 0).map((s) => ({ ip: s.ip, provider: s.provider, messages: s.wouldReject })).sort((a, b) => b.messages - a.messages),
  };
}

/** Every report in a period (aggregate, TLS, failure) and the files that could not be read. */
export async function reportsView(db: Sql, query: { domain?: string; from: number; to: number }) {
  const [aggregate, tls, failures, rejected] = await Promise.all([listAggregates(db, query), listTls(db, query), listFailures(db, query), listRejected(db, { since: query.from })]);
  return { ...query, aggregate, tls, failures, rejected };
}
