import type { Resolver } from '../dns/types.js';
import { lookupTxt, snapshotOf } from '../dns/lookup.js';
import { parseTagValueRecord } from './tag-value.js';
import { check, type Check, type RecordSet } from './types.js';

export interface TlsRptResult {
  check: Check;
  records: Record<string, RecordSet>;
}

/** RFC 8460 §3: one "v=TLSRPTv1; rua=..." record at _smtp._tls.<domain>. */
export async function auditTlsRpt(resolver: Resolver, domain: string, mtaStsPublished: Promise<boolean>): Promise<TlsRptResult> {
  const name = `_smtp._tls.${domain}`;
  const [answer, hasMtaSts] = await Promise.all([lookupTxt(resolver, name), mtaStsPublished]);
  const records = { tls_rpt: { name, records: snapshotOf(answer) } };
  if (!answer.ok) return { check: check('tls_rpt.record', 'error', `could not look up ${name}: ${answer.error}`), records };
  // RFC 8460 §3 spells the version in hex literals: senders skip "v=tlsrptv1", so the audit does too, and says so.
  const found = answer.records.filter((r) => /^v[ \t]*=[ \t]*TLSRPTv1[ \t]*(;|$)/.test(r.trim()));
  const skipped = answer.records.filter((r) => !found.includes(r) && /^v\s*=\s*tlsrptv1/i.test(r.trim()));
  const evidence = { name, records: found, skipped };
  if (found.length === 0 && skipped.length > 0) {
    return {
      check: check('tls_rpt.record', 'fail', `senders skip ${skipped.map((r) => `"${r}"`).join(', ')} at ${name}: the version tag must read exactly "v=TLSRPTv1" (it is case-sensitive)`, {
        remediation: `Write the version as "v=TLSRPTv1": "v=TLSRPTv1; rua=mailto:tls-reports@${domain}".`,
        evidence,
      }),
      records,
    };
  }
  if (found.length === 0) {
    const message = `no TLS-RPT record at ${name}: you will not hear when senders fail to reach you over TLS`;
    if (!hasMtaSts) return { check: check('tls_rpt.record', 'info', message, { evidence }), records };
    return {
      check: check('tls_rpt.record', 'warn', `${message}, although MTA-STS is published`, {
        remediation: `Publish "v=TLSRPTv1; rua=mailto:tls-reports@${domain}" at ${name}.`,
        evidence,
      }),
      records,
    };
  }
  if (found.length > 1) {
    return {
      check: check('tls_rpt.record', 'fail', `${found.length} TLS-RPT records at ${name}; senders ignore them all (RFC 8460 §3)`, {
        remediation: 'Keep exactly one "v=TLSRPTv1" record.',
        evidence,
      }),
      records,
    };
  }
  const parsed = parseTagValueRecord(found[0] as string, { allowDuplicateKeys: false });
  const rua = String(parsed.tags.rua ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const bad = rua.filter((u) => !/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/i.test(u));
  if (parsed.errors.length > 0 || rua.length === 0 || bad.length > 0) {
    const problems = [...parsed.errors, ...(rua.length === 0 ? ['no rua= destination'] : []), ...bad.map((u) => `"${u}" is not a mailto: or https: URI`)];
    return {
      check: check('tls_rpt.record', 'fail', `TLS-RPT record is invalid: ${problems.join('; ')}`, {
        remediation: `Use "v=TLSRPTv1; rua=mailto:tls-reports@${domain}".`,
        evidence,
      }),
      records,
    };
  }
  return { check: check('tls_rpt.record', 'pass', `TLS reports go to ${rua.join(', ')}`, { evidence }), records };
}
