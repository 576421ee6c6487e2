import ipaddr from 'ipaddr.js';
import { reverseName } from '../dns/reverse.js';
import type { Resolver } from '../dns/types.js';
import { lookup } from '../dns/lookup.js';
import { check, type Check, type Json, type RecordSet } from './types.js';

export interface PtrResult {
  checks: Check[];
  records: Record<string, RecordSet>;
}

/** Forward-confirmed reverse DNS for each sending IP: a PTR name whose A/AAAA records include the IP. */
export async function auditPtr(resolver: Resolver, ips: readonly string[]): Promise<PtrResult> {
  if (ips.length === 0) {
    return {
      checks: [check('ptr.fcrdns', 'info', 'no sending IPs configured for this domain (providers[].ips); reverse DNS not checked')],
      records: {},
    };
  }
  const results = await Promise.all(ips.map((ip) => checkIp(resolver, ip)));
  return { checks: results.map((r) => r.check), records: Object.fromEntries(results.map((r) => [`ptr:${r.ip}`, r.record])) };
}

async function checkIp(resolver: Resolver, ip: string): Promise<{ ip: string; check: Check; record: RecordSet }> {
  const name = reverseName(ip);
  const address = ipaddr.parse(ip);
  const type = address.kind() === 'ipv4' ? 'A' : 'AAAA';
  const answer = await lookup(resolver, name, 'PTR');
  const record: RecordSet = { name, records: answer.ok ? answer.records.map((r) => r.replace(/\.$/, '').toLowerCase()).sort() : null };
  const evidence: { [key: string]: Json } = { ip, name, ptr: record.records };
  if (!answer.ok) return { ip, record, check: check('ptr.fcrdns', 'error', `could not look up ${name}: ${answer.error}`, { subject: ip, evidence }) };
  if (answer.records.length === 0) {
    return {
      ip,
      record,
      check: check('ptr.fcrdns', 'fail', `${ip} has no reverse DNS (${name}): Gmail and Yahoo require it of bulk senders`, {
        subject: ip,
        remediation: `Ask whoever owns ${ip} (your provider or hosting company) to set its PTR record to a name that resolves back to ${ip}.`,
        evidence,
      }),
    };
  }
  const forward = await Promise.all(
    answer.records.map(async (host) => ({ host: host.replace(/\.$/, ''), answer: await lookup(resolver, host.replace(/\.$/, ''), type) })),
  );
  evidence.forward = forward.map((f): Json => ({ host: f.host, addresses: f.answer.ok ? f.answer.records : null }));
  const confirmed = forward.find((f) => f.answer.ok && f.answer.records.some((a) => sameAddress(a, address)));
  if (confirmed) return { ip, record, check: check('ptr.fcrdns', 'pass', `${ip} → ${confirmed.host} → ${ip}`, { subject: ip, evidence }) };
  if (forward.some((f) => !f.answer.ok)) {
    return { ip, record, check: check('ptr.fcrdns', 'error', `${ip} → ${forward.map((f) => f.host).join(', ')}, but the forward lookup failed`, { subject: ip, evidence }) };
  }
  return {
    ip,
    record,
    check: check('ptr.fcrdns', 'fail', `${ip} → ${forward.map((f) => f.host).join(', ')}, which does not resolve back to ${ip}`, {
      subject: ip,
      remediation: `Add an ${type} record for ${forward[0]?.host} pointing at ${ip}, or change the PTR to a name that does.`,
      evidence,
    }),
  };
}

function sameAddress(text: string, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  if (!ipaddr.isValid(text)) return false;
  const other = ipaddr.parse(text);
  return other.kind() === address.kind() && other.toNormalizedString() === address.toNormalizedString();
}
