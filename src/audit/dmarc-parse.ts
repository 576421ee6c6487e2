import { parseTagValueRecord } from './tag-value.js';

export type Policy = 'none' | 'quarantine' | 'reject';

/** A DMARC record read the RFC 9989 way, keeping what RFC 7489 readers still act on (pct, rf, ri). */
export interface DmarcRecord {
  text: string;
  p: Policy | undefined;
  sp: Policy | undefined;
  np: Policy | undefined;
  psd: 'y' | 'n' | 'u';
  testing: boolean;
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  rua: ReportUri[];
  ruf: ReportUri[];
  /** RFC 7489's pct, removed by RFC 9989; undefined when absent. */
  pct: number | undefined;
  /** Tags RFC 9989 removed that the record still carries (pct, rf, ri). */
  removed: string[];
  unknown: string[];
  errors: string[];
  /**
   * The policies receivers apply (RFC 9989 §4.10.1, as mailauth applies them): the record's own when p=, sp=
   * and np= are all valid; p=none alone when one is invalid but a valid rua= asks for reports; undefined when
   * receivers ignore the record altogether.
   */
  applied: { p: Policy; sp: Policy | undefined; np: Policy | undefined } | undefined;
}

export interface ReportUri {
  uri: string;
  scheme: string;
  /** The mailbox domain for mailto: URIs. */
  host: string | undefined;
  /** RFC 7489's `!size` limit, which RFC 9989 dropped. */
  sizeLimit: string | undefined;
  /** False for a malformed URI (RFC 9989 §4.8): receivers send nothing there. */
  valid: boolean;
}

const KNOWN = new Set(['v', 'p', 'sp', 'np', 'psd', 't', 'adkim', 'aspf', 'rua', 'ruf', 'fo', 'pct', 'rf', 'ri']);
const POLICIES = new Set(['none', 'quarantine', 'reject']);

/** The version tag's value is case-sensitive (RFC 9989 §4.7): strict receivers ignore "v=dmarc1". */
export function isDmarcRecord(text: string): boolean {
  return /^[vV][ \t]*=[ \t]*DMARC1[ \t]*(;|$)/.test(text.trim());
}

/** A record meant as DMARC that receivers do not take as one, e.g. "v=dmarc1" or "v=DMARC1.0". */
export function looksLikeDmarc(text: string): boolean {
  return !isDmarcRecord(text) && /^v\s*=\s*dmarc/i.test(text.trim());
}

export function parseDmarc(text: string): DmarcRecord {
  const parsed = parseTagValueRecord(text, { allowDuplicateKeys: false });
  const errors = [...parsed.errors];
  const tags = Object.fromEntries(Object.entries(parsed.tags).map(([key, value]) => [key, Array.isArray(value) ? (value[0] ?? '') : value]));
  if (!isDmarcRecord(text)) errors.push('the record must start with "v=DMARC1" (the version is case-sensitive)');

  const policy = (tag: string): Policy | undefined => {
    const value = tags[tag]?.toLowerCase();
    if (value === undefined) return undefined;
    if (!POLICIES.has(value)) {
      errors.push(`${tag}=${tags[tag]}: expected none, quarantine or reject`);
      return undefined;
    }
    return value as Policy;
  };
  const flag = <T extends string>(tag: string, allowed: readonly T[], fallback: T): T => {
    const value = tags[tag]?.toLowerCase();
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      errors.push(`${tag}=${tags[tag]}: expected ${allowed.join(' or ')}`);
      return fallback;
    }
    return value as T;
  };

  const record: DmarcRecord = {
    text,
    p: policy('p'),
    sp: policy('sp'),
    np: policy('np'),
    psd: flag('psd', ['y', 'n', 'u'] as const, 'u'),
    testing: flag('t', ['y', 'n'] as const, 'n') === 'y',
    adkim: flag('adkim', ['r', 's'] as const, 'r'),
    aspf: flag('aspf', ['r', 's'] as const, 'r'),
    rua: uris(tags.rua, 'rua', errors),
    ruf: uris(tags.ruf, 'ruf', errors),
    pct: undefined,
    removed: ['pct', 'rf', 'ri'].filter((tag) => tag in tags),
    unknown: Object.keys(tags).filter((tag) => !KNOWN.has(tag)),
    errors,
    applied: undefined,
  };
  record.applied = appliedPolicies(tags);
  if (tags.pct !== undefined) {
    const pct = Number(tags.pct);
    if (!/^\d{1,3}$/.test(tags.pct) || pct > 100) errors.push(`pct=${tags.pct}: expected 0-100`);
    else record.pct = pct;
  }
  return record;
}

const OBSOLETE_SIZE = /![0-9]+[kmgt]?$/i;

/**
 * RFC 9989 §4.10.1, the rule mailauth 7's getPolicyTags applies (its module loads node:dns, so this is a
 * portable copy that test/unit/audit/dmarc.test.ts compares with it): p=, sp= and np= as published when all
 * are valid; when one is invalid, p=none if rua= lists a valid URI, otherwise no policy at all.
 */
function appliedPolicies(tags: Record<string, string | undefined>): DmarcRecord['applied'] {
  const value = (tag: string) => tags[tag]?.toLowerCase();
  const valid = (v: string | undefined): v is Policy | undefined => v === undefined || POLICIES.has(v);
  const [p, sp, np] = [value('p'), value('sp'), value('np')];
  if (p !== undefined && POLICIES.has(p) && valid(sp) && valid(np)) return { p: p as Policy, sp, np };
  const reports = (tags.rua ?? '').split(',').some((uri) => URI.test(uri.trim().replace(OBSOLETE_SIZE, '')));
  return reports ? { p: 'none', sp: undefined, np: undefined } : undefined;
}

/** RFC 9989 §4.8 dmarc-uri: an RFC 3986 URI, where "," and "!" must be percent-encoded. */
const URI = /^[a-z][a-z0-9+.-]*:(?:[a-z0-9\-._~:/?#[\]@$&'()*+;=]|%[0-9a-f]{2})*$/i;

/** Decodes the escapes that are well formed and leaves the rest as written: a record is data, never a crash. */
function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (escapes) => {
    try {
      return decodeURIComponent(escapes);
    } catch {
      return escapes;
    }
  });
}

function uris(value: string | undefined, tag: string, errors: string[]): ReportUri[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const bang = part.lastIndexOf('!');
      const sizeLimit = bang > 0 && /^\d+[kmgt]?$/i.test(part.slice(bang + 1)) ? part.slice(bang + 1) : undefined;
      const uri = sizeLimit === undefined ? part : part.slice(0, bang);
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase() ?? '';
      const valid = scheme !== '' && URI.test(uri);
      if (!scheme) errors.push(`${tag}: "${part}" is not a URI (expected mailto:address)`);
      else if (!valid) errors.push(`${tag}: "${part}" is not a valid URI (RFC 3986: a "%" must start a two-digit hex escape)`);
      let host: string | undefined;
      if (scheme === 'mailto') {
        const address = percentDecoded(uri.slice('mailto:'.length));
        const at = address.lastIndexOf('@');
        host = at > 0 ? address.slice(at + 1).toLowerCase().replace(/\.$/, '') : undefined;
        if (!host) errors.push(`${tag}: "${part}" has no mailbox domain`);
      }
      return { uri, scheme, host, sizeLimit, valid };
    });
}

/**
 * The names the RFC 9989 §4.10 DNS tree walk queries, nearest first: the domain itself, then (when it has
 * 8 or more labels) its 7-label ancestor, then one label shorter at a time down to the top-level domain.
 */
export function treeWalkTargets(domain: string): string[] {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  const targets = [labels.join('.')];
  let count = labels.length >= 8 ? 7 : labels.length - 1;
  for (; count >= 1; count--) targets.push(labels.slice(labels.length - count).join('.'));
  return targets;
}
