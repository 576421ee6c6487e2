import type { Resolver } from '../dns/types.js';
import { lookupTxt, snapshotOf, type Lookup } from '../dns/lookup.js';
import { parseTagValueRecord } from './tag-value.js';
import type { AuditToolkit } from './toolkit.js';
import { check, type Check, type Json, type RecordSet } from './types.js';

/**
 * Selectors tried on every domain besides the configured ones: the defaults of the large mailbox and
 * sending providers. Documented in the README; users script against the list, so keep it stable.
 */
export const COMMON_SELECTORS = [
  'default',
  'dkim',
  'mail',
  'smtp',
  'email',
  'google',
  'selector1',
  'selector2',
  'k1',
  'k2',
  'k3',
  's1',
  's2',
  'mandrill',
  'mailjet',
  'mxvault',
  'dkim1',
  'sig1',
  'pm',
  'scph0001',
  'zendesk1',
  'zendesk2',
  'everlytickey1',
  'cm',
] as const;

export const DKIM_IDS = ['dkim.found', 'dkim.key', 'dkim.testing'] as const;

export interface SelectorKey {
  selector: string;
  name: string;
  configured: boolean;
  answer: Lookup<string>;
  /** The DKIM key record among the answer's TXT strings, when there is one. */
  record: string | undefined;
}

export interface DkimResult {
  checks: Check[];
  records: Record<string, RecordSet>;
}

export async function auditDkim(resolver: Resolver, domain: string, configured: readonly string[], discover: boolean, toolkit: AuditToolkit): Promise<DkimResult> {
  const wanted = new Set(configured);
  const selectors = [...new Set([...configured, ...(discover ? COMMON_SELECTORS : [])])];
  const keys = await Promise.all(
    selectors.map(async (selector): Promise<SelectorKey> => {
      const name = `${selector}._domainkey.${domain}`;
      const answer = await lookupTxt(resolver, name);
      const record = answer.ok ? answer.records.find(isDkimKeyRecord) : undefined;
      return { selector, name, configured: wanted.has(selector), answer, record };
    }),
  );
  const found = keys.filter((k) => k.record !== undefined);
  const usable = found.filter((k) => !isRevoked(k.record as string));
  // Every selector tried is a record set, so a discovered key that later disappears shows up as removed.
  const records: Record<string, RecordSet> = Object.fromEntries(keys.map((key) => [`dkim:${key.selector}`, { name: key.name, records: snapshotOf(key.answer) }]));
  const checks = [foundCheck(domain, keys, usable, found), ...(await Promise.all(found.map((k) => keyCheck(k, toolkit)))), testingCheck(found, keys.some((k) => !k.answer.ok))];
  return { checks, records };
}

/** An empty p= revokes the selector's key (RFC 6376 §3.6.1): a record, but not a key anyone can verify with. */
function isRevoked(record: string): boolean {
  return String(parseTagValueRecord(record).tags.p ?? '').replace(/\s+/g, '') === '';
}

/** A TXT answer at a selector is a key record when it carries p= (RFC 6376 §3.6.1; v=, k= are optional). */
function isDkimKeyRecord(text: string): boolean {
  return /(^|;)\s*p\s*=/i.test(text) || /^\s*v\s*=\s*DKIM1\b/i.test(text);
}

/**
 * Passes only on a usable key. A revoked key is no key; a configured selector that publishes none is a fail,
 * and one whose lookup failed is unknown even when another selector has a key (the signer uses that one).
 */
function foundCheck(domain: string, keys: SelectorKey[], usable: SelectorKey[], found: SelectorKey[]): Check {
  const keyless = (k: SelectorKey) => k.answer.ok && (k.record === undefined || isRevoked(k.record));
  const missingConfigured = keys.filter((k) => k.configured && keyless(k));
  const revoked = found.filter((k) => isRevoked(k.record as string));
  const failed = keys.filter((k) => !k.answer.ok);
  const failedConfigured = failed.filter((k) => k.configured);
  const evidence = {
    found: usable.map((k): Json => ({ selector: k.selector, name: k.name, configured: k.configured })),
    revoked: revoked.map((k) => k.selector),
    tried: keys.map((k) => k.selector),
    missingConfigured: missingConfigured.map((k) => k.selector),
    failed: failed.map((k): Json => ({ selector: k.selector, configured: k.configured, error: k.answer.ok ? null : k.answer.error })),
  };
  const describe = (k: SelectorKey) => `${k.name}${k.record !== undefined ? ' (revoked: empty p=)' : ''}`;
  if (keys.length === 0) {
    return check('dkim.found', 'error', 'no DKIM selectors to check: none configured and discovery is off', { evidence });
  }
  if (missingConfigured.length > 0) {
    const several = missingConfigured.length > 1;
    return check('dkim.found', 'fail', `configured selector${several ? 's' : ''} ${missingConfigured.map(describe).join(', ')} publish${several ? '' : 'es'} no usable key`, {
      remediation: 'Publish the public key your signer uses at <selector>._domainkey.<domain>, or correct the selector in the configuration.',
      evidence,
    });
  }
  if (failedConfigured.length > 0) {
    const first = failedConfigured[0] as SelectorKey;
    return check('dkim.found', 'error', `could not look up configured selector${failedConfigured.length > 1 ? 's' : ''} ${failedConfigured.map((k) => k.name).join(', ')} (${first.answer.ok ? '' : first.answer.error})`, { evidence });
  }
  if (usable.length > 0) return check('dkim.found', 'pass', `DKIM keys published for selector${usable.length > 1 ? 's' : ''} ${usable.map((k) => k.selector).join(', ')}`, { evidence });
  if (failed.length > 0) {
    const first = failed[0] as SelectorKey;
    return check('dkim.found', 'error', `no usable key found, and ${failed.length} selector lookup${failed.length > 1 ? 's' : ''} failed (${first.answer.ok ? '' : first.answer.error})`, { evidence });
  }
  const revokedNote = revoked.length > 0 ? ` (${revoked.map(describe).join(', ')} only revoke their keys)` : '';
  return check('dkim.found', 'fail', `no usable DKIM key found for ${domain} under the configured or common selectors${revokedNote}`, {
    remediation: 'Turn on DKIM signing at every provider that sends for the domain and publish its key; then list the selector under domains[].dkimSelectors so the audit checks it.',
    evidence,
  });
}

async function keyCheck(key: SelectorKey, toolkit: AuditToolkit): Promise<Check> {
  const record = key.record as string;
  const subject = key.selector;
  const tags = parseTagValueRecord(record).tags;
  const p = String(tags.p ?? '').replace(/\s+/g, '');
  const evidence: { [key: string]: Json } = { name: key.name, record, configured: key.configured };
  if (p === '') {
    const status = key.configured ? 'fail' : 'warn';
    return check('dkim.key', status, `${key.name} is revoked (empty p=): signatures with this selector fail`, {
      subject,
      remediation: key.configured
        ? 'Publish the current public key for this selector, or move the signer to a selector that has one.'
        : 'If the selector is retired this is expected; otherwise publish its public key.',
      evidence,
    });
  }
  try {
    const parsed = await toolkit.readDkimKey(key.name, record);
    const bits = parsed.modulusLength;
    const ed25519 = parsed.keyType === 'ed25519';
    evidence.bits = bits ?? null;
    evidence.type = parsed.keyType;
    evidence.declaredType = typeof tags.k === 'string' ? tags.k : null;
    if (parsed.typeInferred) {
      return check('dkim.key', 'fail', `${key.name}: the key is ${parsed.keyType}, but the record has no k= tag, so k defaults to rsa (RFC 6376 §3.6.1) and receivers reject it as an RSA key`, {
        subject,
        remediation: `Add "k=${parsed.keyType}" to the record: "v=DKIM1; k=${parsed.keyType}; p=...".`,
        evidence,
      });
    }
    if (ed25519) return check('dkim.key', 'pass', `${key.name}: ed25519 key`, { subject, evidence });
    if (bits === undefined) return check('dkim.key', 'error', `${key.name}: could not read the key size`, { subject, evidence });
    if (bits < 1024) {
      return check('dkim.key', 'fail', `${key.name}: ${bits}-bit RSA key; receivers reject keys under 1024 bits`, {
        subject,
        remediation: 'Generate a 2048-bit RSA key, publish it under a new selector and switch the signer to it.',
        evidence,
      });
    }
    if (bits < 2048) {
      return check('dkim.key', 'warn', `${key.name}: ${bits}-bit RSA key; 2048 bits is the current recommendation`, {
        subject,
        remediation: 'Rotate to a 2048-bit RSA key under a new selector.',
        evidence,
      });
    }
    return check('dkim.key', 'pass', `${key.name}: ${bits}-bit RSA key`, { subject, evidence });
  } catch (error) {
    // mailauth's "Unknown key type" message carries a literal "${keyType}" (a quoting slip); say which type.
    const reason = (error as Error).message.replace('${keyType}', String(tags.k ?? 'rsa'));
    evidence.problem = reason;
    return check('dkim.key', 'fail', `${key.name}: the key cannot be used (${reason})`, {
      subject,
      remediation: 'Republish the public key exactly as your signer exports it: base64 in p=, with k=rsa or k=ed25519.',
      evidence,
    });
  }
}

function testingCheck(found: SelectorKey[], lookupsFailed: boolean): Check {
  const testing = found.filter((k) => {
    const flags = String(parseTagValueRecord(k.record as string).tags.t ?? '');
    return flags.split(':').some((f) => f.trim().toLowerCase() === 'y');
  });
  if (testing.length > 0) {
    return check('dkim.testing', 'warn', `selector${testing.length > 1 ? 's' : ''} ${testing.map((k) => k.selector).join(', ')} in test mode (t=y): receivers may treat failures as if unsigned`, {
      remediation: 'Remove "t=y" from the key record once signing works.',
      evidence: { selectors: testing.map((k) => k.selector) },
    });
  }
  if (found.length > 0) return check('dkim.testing', 'pass', 'no key is in test mode', { evidence: { selectors: [] } });
  if (lookupsFailed) return check('dkim.testing', 'error', 'no key found, and some selector lookups failed', { evidence: { selectors: [] } });
  return check('dkim.testing', 'info', 'not applicable: no key found', { evidence: { selectors: [] } });
}
