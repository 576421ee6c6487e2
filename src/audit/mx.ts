import type { MxRecord, Resolver } from '../dns/types.js';
import { lookup, type Lookup } from '../dns/lookup.js';
import { check, type Check, type Json, type RecordSet } from './types.js';

export const MX_IDS = ['mx.present', 'mx.hosts'] as const;

export interface MxResult {
  checks: Check[];
  records: Record<string, RecordSet>;
  /** Exchange names, lowest preference first; undefined when unknown or absent. */
  hosts: string[] | undefined;
}

export async function auditMx(resolver: Resolver, domain: string): Promise<MxResult> {
  const answer = await lookup(resolver, domain, 'MX');
  const records = { mx: { name: domain, records: answer.ok ? answer.records.map(formatMx).sort() : null } };
  if (!answer.ok) {
    const message = `could not look up MX records for ${domain}: ${answer.error}`;
    return { checks: MX_IDS.map((id) => check(id, 'error', message)), records, hosts: undefined };
  }
  const mx = [...answer.records].sort((a, b) => a.priority - b.priority);
  const evidence = { records: mx.map(formatMx) };
  if (mx.length === 1 && (mx[0] as MxRecord).exchange.replace(/\.$/, '') === '') {
    return {
      checks: [
        check('mx.present', 'info', `${domain} publishes a null MX (RFC 7505): it accepts no mail, so replies and bounces to it are refused`, { evidence }),
        check('mx.hosts', 'info', 'not applicable: null MX', { evidence }),
      ],
      records,
      hosts: [],
    };
  }
  if (mx.length === 0) {
    const remediation = `Publish MX records for ${domain} pointing at the servers that receive its mail, or a null MX ("0 .") if it never receives mail.`;
    const hosts = check('mx.hosts', 'info', 'not applicable: no MX records', { evidence });
    if (answer.status === 'nxdomain') {
      return { checks: [check('mx.present', 'fail', `${domain} does not exist, so it can receive no replies or bounces`, { remediation, evidence }), hosts], records, hosts: undefined };
    }
    const [a, aaaa] = await Promise.all([lookup(resolver, domain, 'A'), lookup(resolver, domain, 'AAAA')]);
    if (!a.ok || !aaaa.ok) return { checks: [check('mx.present', 'error', `${domain} publishes no MX record, and its address lookup failed`, { evidence }), hosts], records, hosts: undefined };
    const implicit = [...a.records, ...aaaa.records];
    if (implicit.length > 0) {
      const present = check('mx.present', 'warn', `${domain} publishes no MX record; mail to it goes to its address record (${implicit.join(', ')}) as an implicit MX (RFC 5321 §5.1)`, {
        remediation,
        evidence: { ...evidence, implicit },
      });
      return { checks: [present, hosts], records, hosts: undefined };
    }
    const present = check('mx.present', 'fail', `${domain} publishes no MX and no address record: replies and bounces cannot be delivered, and receivers such as Yahoo reject mail from domains that cannot receive`, {
      remediation,
      evidence,
    });
    return { checks: [present, hosts], records, hosts: undefined };
  }
  const hosts = mx.map((r) => r.exchange.replace(/\.$/, '').toLowerCase());
  const resolved = await Promise.all(
    hosts.map(async (host) => {
      const [a, aaaa] = await Promise.all([lookup(resolver, host, 'A'), lookup(resolver, host, 'AAAA')]);
      return { host, a, aaaa };
    }),
  );
  return { checks: [check('mx.present', 'pass', `MX: ${mx.map(formatMx).join(', ')}`, { evidence }), hostsCheck(resolved)], records, hosts };
}

function formatMx(record: MxRecord): string {
  return `${record.priority} ${record.exchange.replace(/\.$/, '') || '.'}`;
}

function hostsCheck(resolved: Array<{ host: string; a: Lookup<string>; aaaa: Lookup<string> }>): Check {
  const evidence = {
    hosts: resolved.map((r): Json => ({ host: r.host, a: r.a.ok ? r.a.records : null, aaaa: r.aaaa.ok ? r.aaaa.records : null })),
  };
  const dead = resolved.filter((r) => r.a.ok && r.aaaa.ok && r.a.records.length === 0 && r.aaaa.records.length === 0);
  if (dead.length > 0) {
    return check('mx.hosts', 'fail', `MX host${dead.length > 1 ? 's' : ''} ${dead.map((r) => r.host).join(', ')} ha${dead.length > 1 ? 've' : 's'} no A or AAAA record`, {
      remediation: 'Point the MX records at host names that resolve, or add the missing A/AAAA records.',
      evidence,
    });
  }
  const unknown = resolved.filter((r) => (!r.a.ok || !r.aaaa.ok) && !((r.a.ok && r.a.records.length > 0) || (r.aaaa.ok && r.aaaa.records.length > 0)));
  if (unknown.length > 0) return check('mx.hosts', 'error', `could not resolve MX host${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => r.host).join(', ')}`, { evidence });
  return check('mx.hosts', 'pass', `every MX host resolves (${resolved.map((r) => r.host).join(', ')})`, { evidence });
}
