import { countStatuses, type Check, type CheckStatus, type DomainAudit } from './types.js';

export const AREAS: Array<[prefix: string, title: string]> = [
  ['audit', 'Audit'],
  ['spf', 'SPF'],
  ['dkim', 'DKIM'],
  ['dmarc', 'DMARC'],
  ['mx', 'MX'],
  ['mta_sts', 'MTA-STS'],
  ['tls_rpt', 'TLS-RPT'],
  ['bimi', 'BIMI'],
  ['ptr', 'Reverse DNS'],
  ['requirements', 'Bulk-sender requirements'],
];

const LABEL: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', error: 'ERR ', info: 'INFO' };
const COLOUR: Record<CheckStatus, string> = { pass: '32', warn: '33', fail: '31', error: '35', info: '2' };

/** The readable report: one block per domain, checks grouped by area, fixes under the findings. */
export function renderReport(audits: readonly DomainAudit[], options: { colour: boolean }): string {
  const paint = (code: string, text: string) => (options.colour ? `\x1b[${code}m${text}\x1b[0m` : text);
  const out: string[] = [];
  for (const audit of audits) {
    const counts = countStatuses(audit.checks);
    const summary = (['fail', 'error', 'warn', 'pass', 'info'] as const)
      .filter((s) => counts[s] > 0)
      .map((s) => paint(COLOUR[s], `${counts[s]} ${s}`))
      .join(', ');
    out.push(`${paint('1', audit.domain)} — ${summary}`);
    const width = Math.max(...audit.checks.map((c) => label(c).length));
    for (const [prefix, title] of AREAS) {
      const checks = audit.checks.filter((c) => c.id.split('.')[0] === prefix);
      if (checks.length === 0) continue;
      out.push(`  ${paint('1', title)}`);
      for (const c of checks) {
        const [first = '', ...more] = c.message.split('\n');
        const indent = ' '.repeat(4 + 5 + width + 2);
        out.push(`    ${paint(COLOUR[c.status], LABEL[c.status])} ${label(c).padEnd(width)}  ${first}`);
        for (const line of more) out.push(`${indent}${line}`);
        if (c.remediation) out.push(`${indent}${paint('36', 'fix:')} ${c.remediation}`);
      }
    }
    out.push('');
  }
  return out.join('\n');
}

function label(c: Check): string {
  return c.subject ? `${c.id} [${c.subject}]` : c.id;
}

/** The `--json` shape users script against. */
export function reportJson(audits: readonly DomainAudit[]) {
  return {
    domains: audits.map((a) => ({
      domain: a.domain,
      checks: a.checks.map((c) => ({ id: c.id, subject: c.subject, status: c.status, message: c.message, remediation: c.remediation, evidence: c.evidence })),
      records: a.records,
    })),
  };
}

/**
 * The gate's verdict: `failed` when any check reaches the `--fail-on` level, else `undetermined` when any
 * check could not be determined — a gate must not pass what it could not check, nor call it a finding.
 */
export function gateOutcome(audits: readonly DomainAudit[], level: 'warn' | 'fail'): 'passed' | 'failed' | 'undetermined' {
  const failing = new Set<CheckStatus>(level === 'warn' ? ['warn', 'fail'] : ['fail']);
  const checks = audits.flatMap((a) => a.checks);
  if (checks.some((c) => failing.has(c.status))) return 'failed';
  return checks.some((c) => c.status === 'error') ? 'undetermined' : 'passed';
}
