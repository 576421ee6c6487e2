import { check, type Check, type Json } from './types.js';

type Met = boolean | null;

/**
 * The February 2024 Gmail and Yahoo bulk-sender rules that DNS can show: SPF and DKIM in place, DMARC
 * published (p=none is enough), forward-confirmed reverse DNS on sending IPs. Read from the other checks'
 * results so the summary can never disagree with them.
 */
export function bulkSenderCheck(checks: readonly Check[]): Check {
  const byId = (id: string) => checks.filter((c) => c.id === id);
  const status = (id: string) => byId(id).map((c) => c.status);
  const all = (id: string, ok: (s: Check['status']) => boolean): Met => {
    const found = status(id);
    if (found.length === 0) return null;
    if (found.some((s) => s === 'error')) return found.some((s) => !ok(s) && s !== 'error') ? false : null;
    return found.every(ok);
  };
  const both = (...values: Met[]): Met => (values.some((v) => v === false) ? false : values.some((v) => v === null) ? null : true);
  const notFail = (s: Check['status']) => s !== 'fail';

  const spf = both(all('spf.present', (s) => s === 'pass'), all('spf.single', notFail), all('spf.syntax', notFail), all('spf.lookups', notFail), all('spf.void_lookups', notFail));
  const dkimKeys = byId('dkim.key');
  const dkim = both(
    all('dkim.found', (s) => s === 'pass'),
    dkimKeys.length === 0 ? (status('dkim.found').includes('error') ? null : false) : dkimKeys.some((c) => c.status === 'pass' || c.status === 'warn') ? true : false,
  );
  const dmarc = both(all('dmarc.present', (s) => s === 'pass'), all('dmarc.single', notFail), all('dmarc.syntax', notFail));
  const ptrChecks = byId('ptr.fcrdns');
  const ptrConfigured = ptrChecks.some((c) => c.subject !== null);
  const fcrdns: Met = ptrConfigured ? all('ptr.fcrdns', (s) => s === 'pass') : null;

  const requirements: Array<{ name: string; met: Met; detail: string }> = [
    { name: 'SPF', met: spf, detail: 'a single valid SPF record within the lookup limits' },
    { name: 'DKIM', met: dkim, detail: 'a published DKIM key of at least 1024 bits' },
    { name: 'DMARC', met: dmarc, detail: 'a valid DMARC record, p=none or stricter' },
    { name: 'FCrDNS', met: fcrdns, detail: ptrConfigured ? 'every sending IP has forward-confirmed reverse DNS' : 'no sending IPs configured, so not checked' },
  ];
  const evidence = {
    requirements: requirements.map((r): Json => ({ name: r.name, met: r.met, detail: r.detail })),
    notCheckable: ['one-click unsubscribe (RFC 8058)', 'spam rate below 0.3%', 'aligned From domain', 'TLS for transmission'],
  };
  const failing = requirements.filter((r) => r.met === false).map((r) => r.name);
  const unknown = requirements.filter((r) => r.met === null);
  const line = requirements.map((r) => `${r.name} ${r.met === true ? 'yes' : r.met === false ? 'NO' : 'unknown'}`).join(', ');
  if (failing.length > 0) {
    return check('requirements.bulk_sender', 'fail', `does not meet the Gmail/Yahoo bulk-sender rules (${line})`, {
      remediation: `Fix ${failing.join(', ')} (see the checks above); Gmail and Yahoo throttle or reject bulk mail from domains that miss them.`,
      evidence,
    });
  }
  if (unknown.some((r) => r.name !== 'FCrDNS' || ptrConfigured)) {
    return check('requirements.bulk_sender', 'error', `could not determine every bulk-sender requirement (${line})`, { evidence });
  }
  if (!ptrConfigured) {
    return check('requirements.bulk_sender', 'warn', `SPF, DKIM and DMARC meet the Gmail/Yahoo bulk-sender rules; reverse DNS not checked (${line})`, {
      remediation: 'List the sending IPs under providers[].ips (or pass --ip) so reverse DNS is checked too.',
      evidence,
    });
  }
  return check('requirements.bulk_sender', 'pass', `meets the DNS side of the Gmail/Yahoo bulk-sender rules (${line})`, { evidence });
}
