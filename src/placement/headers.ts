import { matchesAny, sameOperator, type ReceiverProfile } from './receivers.js';
import { WHOLE_SECOND, type Stamp } from './latency.js';
import type { AuthDetail, AuthSummary, AuthVerdicts, AuthWord, Hop, SpamIndicators } from './types.js';

export interface Header {
  /** Lower-cased. */
  name: string;
  value: string;
}

/** Splits a raw header block into unfolded headers, top first (the order hops prepend them in). */
export function splitHeaders(block: string): Header[] {
  const end = block.search(/\r?\n\r?\n/);
  const text = end === -1 ? block : block.slice(0, end);
  const headers: Header[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      const last = headers[headers.length - 1] as Header;
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

export function headerValues(headers: readonly Header[], name: string): string[] {
  const wanted = name.toLowerCase();
  return headers.filter((h) => h.name === wanted).map((h) => h.value);
}

/** Removes RFC 5322 comments (nested parentheses), leaving quoted strings alone. */
export function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth === 0 && c === '"') quoted = !quoted;
    if (!quoted && c === '(') {
      depth++;
      continue;
    }
    if (!quoted && c === ')' && depth > 0) {
      depth--;
      if (depth === 0) out += ' ';
      continue;
    }
    if (depth === 0) out += c;
  }
  return out;
}

type Word = { text: string } | { comment: string };

/** Words and comments of a header value in order, with `;` as its own word; quoted strings stay inside their word. */
function words(value: string): Word[] {
  const out: Word[] = [];
  let i = 0;
  while (i < value.length) {
    const c = value[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === ';') {
      out.push({ text: ';' });
      i++;
    } else if (c === '(') {
      let depth = 0;
      let text = '';
      for (; i < value.length; i++) {
        const d = value[i] as string;
        if (d === '\\') {
          text += value[++i] ?? '';
          continue;
        }
        if (d === '(') depth++;
        if (d === ')') depth--;
        if (depth === 0) break;
        if (!(d === '(' && depth === 1)) text += d;
      }
      out.push({ comment: text.trim() });
      i++;
    } else {
      let text = '';
      let quoted = false;
      for (; i < value.length; i++) {
        const d = value[i] as string;
        if (!quoted && (/\s/.test(d) || d === ';' || d === '(')) break;
        if (d === '\\' && quoted) {
          text += d + (value[++i] ?? '');
          continue;
        }
        if (d === '"') quoted = !quoted;
        text += d;
      }
      out.push({ text });
    }
  }
  return out;
}

const unquote = (value: string) => (value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value);

export interface AuthResult {
  method: string;
  result: string;
  reason?: string;
  /** The receiver's comments on this result, e.g. Gmail's "google.com: best guess record for domain of …". */
  comments?: string[];
  /** `ptype.property` → value, e.g. `header.d` → `example.com`. */
  props: Record<string, string>;
}

export interface AuthenticationResults {
  /** Empty when the header has none, as Exchange Online writes it. */
  authservId: string;
  results: AuthResult[];
}

/** Methods whose `method=result` starts a new result even without the `;` before it (Zoho omits some). */
const METHODS = new Set(['spf', 'dkim', 'dmarc', 'arc', 'iprev', 'auth', 'bimi', 'compauth', 'domainkeys', 'sender-id', 'dkim-atps', 'vbr', 'rrvs', 'smime', 'dnswl']);

/**
 * Parses one Authentication-Results header (RFC 8601), as receivers really write it: without an
 * authserv-id (Exchange Online), without the `;` between two results (Zoho), with comments kept per result.
 */
export function parseAuthenticationResults(value: string): AuthenticationResults {
  const all = words(value);
  const first = all[0];
  const hasId = first !== undefined && 'text' in first && first.text !== ';' && !first.text.includes('=');
  let authservId = '';
  let rest = all;
  if (hasId) {
    authservId = first.text.toLowerCase();
    rest = all.slice(1);
    const version = rest[0];
    if (version && 'text' in version && /^\d+$/.test(version.text)) rest = rest.slice(1);
  }
  const results: AuthResult[] = [];
  let current: AuthResult | undefined;
  for (const word of rest) {
    if ('comment' in word) {
      if (current && word.comment) (current.comments ??= []).push(word.comment);
      continue;
    }
    if (word.text === ';') {
      current = undefined;
      continue;
    }
    const eq = word.text.indexOf('=');
    if (eq <= 0) continue;
    const key = word.text.slice(0, eq).toLowerCase();
    const val = unquote(word.text.slice(eq + 1));
    const method = key.split('/')[0] as string;
    if (!current || (METHODS.has(method) && !key.includes('.'))) {
      current = { method, result: val.toLowerCase(), props: {} };
      results.push(current);
    } else if (key === 'reason') {
      current.reason = val;
    } else {
      current.props[key] = val;
    }
  }
  return { authservId, results };
}

const WORDS: Record<string, AuthWord> = {
  pass: 'pass',
  fail: 'fail',
  hardfail: 'fail',
  none: 'none',
  neutral: 'neutral',
  softfail: 'softfail',
  temperror: 'temperror',
  permerror: 'permerror',
  // Gmail's "no SPF record, but the IP looks right": there was no policy to pass.
  bestguesspass: 'none',
  policy: 'fail',
};

export function authWord(result: string | undefined): AuthWord {
  if (result === undefined) return 'none';
  return WORDS[result.toLowerCase()] ?? 'neutral';
}

const domainOf = (value: string | undefined) => {
  if (!value) return undefined;
  const at = value.lastIndexOf('@');
  return (at === -1 ? value : value.slice(at + 1)).toLowerCase() || undefined;
};

function detailOf(r: AuthResult): AuthDetail {
  const domain =
    r.method === 'spf'
      ? domainOf(r.props['smtp.mailfrom'] ?? r.props['smtp.helo'])
      : r.method === 'dkim'
        ? domainOf(r.props['header.d'] ?? r.props['header.i'])
        : r.method === 'dmarc'
          ? domainOf(r.props['header.from'])
          : undefined;
  const detail: AuthDetail = { method: r.method, result: authWord(r.result) };
  if (domain) detail.domain = domain;
  if (r.method === 'dkim' && r.props['header.s']) detail.selector = r.props['header.s'];
  if (r.reason) detail.reason = r.reason;
  if (r.method === 'spf' && detail.result === 'pass' && r.comments?.some((c) => /\bbest guess record\b/i.test(c))) {
    detail.result = 'none';
    detail.reason = "Gmail's best guess: the domain publishes no SPF record, so Gmail guessed one and reported pass";
  }
  return detail;
}

/** Any passing signature makes the message's DKIM a pass, as DMARC sees it; otherwise the first result. */
export function summarise(details: readonly AuthDetail[]): AuthSummary {
  const pick = (method: string): AuthWord => {
    const mine = details.filter((d) => d.method === method);
    if (mine.some((d) => d.result === 'pass')) return 'pass';
    return mine[0]?.result ?? 'none';
  };
  const summary: AuthSummary = { spf: pick('spf'), dkim: pick('dkim'), dmarc: pick('dmarc') };
  if (details.some((d) => d.method === 'arc')) summary.arc = pick('arc');
  return summary;
}

/** Where the receiver's part of the header block ends, and whose authserv-ids count in it. */
export interface Receiver {
  /** The receiver's headers are the ones above this index (the Received header of the hop before the receiving one); all when undefined. */
  zoneEnd?: number;
  profile?: ReceiverProfile;
  /** The receiving hop's `by` host, which names an unknown receiver's authserv-id. */
  by?: string;
}

function isReceivers(ar: AuthenticationResults, receiver: Receiver): boolean {
  if (ar.authservId === '') return receiver.profile?.withoutAuthservId === true;
  if (receiver.profile) return matchesAny(ar.authservId, receiver.profile.authservIds);
  return receiver.by !== undefined && sameOperator(ar.authservId, receiver.by);
}

/**
 * The receiver's own verdicts (RFC 8601 §5): only headers inside the receiver's part of the block (above
 * the hop before the receiving one) and carrying the receiver's own authserv-id count, and per method only
 * the topmost such header: anything lower came with the message or from a relay and may be forged.
 * Receivers that stamp one header per method (iCloud) still give every method. Undefined when the
 * receiver added none: a header that came with the message is not its verdict.
 */
export function receiverVerdicts(headers: readonly Header[], receiver: Receiver = {}): AuthVerdicts | undefined {
  const mine = headers
    .slice(0, receiver.zoneEnd ?? headers.length)
    .filter((h) => h.name === 'authentication-results')
    .map((h) => parseAuthenticationResults(h.value))
    .filter((ar) => isReceivers(ar, receiver));
  const top = mine[0];
  if (!top) return undefined;
  const taken = new Set<string>();
  const details: AuthDetail[] = [];
  for (const ar of mine) {
    const methods = new Set(ar.results.map((r) => r.method));
    for (const r of ar.results) if (!taken.has(r.method)) details.push(detailOf(r));
    for (const m of methods) taken.add(m);
  }
  return { summary: summarise(details), details, by: top.authservId || receiver.by || 'receiver' };
}

/**
 * A Received date and how finely it was written: RFC 5322 has whole seconds (or minutes), some receivers
 * add a fraction (`12:00:01.234`), which Date.parse reads too; finer than a millisecond is truncated to one.
 */
export function receivedDate(text: string): Stamp | undefined {
  const date = stripComments(text).trim();
  const at = Date.parse(date);
  if (Number.isNaN(at)) return undefined;
  const time = date.match(/\b\d{1,2}:\d{2}(?::\d{2}(?:\.(\d+))?)?/);
  if (!time) return undefined;
  const seconds = time[0].split(':').length === 3;
  const digits = time[1]?.length ?? 0;
  const resolutionMs = !seconds ? 60_000 : digits === 0 ? WHOLE_SECOND : 10 ** Math.max(0, 3 - digits);
  return { at, resolutionMs };
}

const SMTP_FAMILY = /^(e?smtp|utf8smtp|utf8lmtp|lmtp)(s?a?)$/i;
const IP_TOKEN = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]*:[0-9a-f:.]+)$/i;

/** The connecting IP of a from clause: a bracketed literal, else Exchange's bare `(198.51.100.7)`, else Yahoo's `from 198.51.100.7 (EHLO …)`. */
function fromIp(fromClause: string, helo: string | undefined): string | undefined {
  const bracketed = [...fromClause.matchAll(/\[(?:IPv6:)?([0-9a-f:.]+)\]/gi)].map((m) => m[1] as string);
  if (bracketed.length > 0) return bracketed[bracketed.length - 1];
  const parenthesised = [...fromClause.matchAll(/\(\s*([0-9a-f:.]+)\s*\)/gi)].map((m) => m[1] as string).filter((ip) => IP_TOKEN.test(ip));
  if (parenthesised.length > 0) return parenthesised[parenthesised.length - 1];
  return helo !== undefined && IP_TOKEN.test(helo) ? helo : undefined;
}

/** Parses one Received header: who connected from which IP, which hop received it, with what, when. */
export function parseReceived(value: string): Hop {
  const hop: Hop = {};
  const semicolon = value.lastIndexOf(';');
  const stamp = semicolon === -1 ? undefined : receivedDate(value.slice(semicolon + 1));
  if (stamp) {
    hop.at = stamp.at;
    hop.atResolutionMs = stamp.resolutionMs;
  }
  const body = semicolon === -1 ? value : value.slice(0, semicolon);
  const tlsComment = body.match(/\b(?:version=)?(TLS ?v?1[._]?[0-3]|SSLv3)\b/i);
  if (tlsComment) hop.tlsVersion = (tlsComment[1] as string).replace(/\s/g, '').replace(/^TLSv?/i, 'TLS').replace('.', '_');
  const fromClause = body.match(/^\s*from\s+(.*?)(?=\s+by\s|\s+with\s|\s+id\s|\s+for\s|$)/is)?.[1];
  if (fromClause) {
    const first = fromClause.match(/^([^\s(]+)/)?.[1];
    // Yahoo names the client by IP and gives the EHLO name in a comment.
    const ehlo = fromClause.match(/\((?:EHLO|HELO)\s+([^\s)]+)\)/i)?.[1];
    const helo = first !== undefined && IP_TOKEN.test(first) && ehlo ? ehlo : first;
    if (helo) hop.from = helo.toLowerCase();
    const ip = fromIp(fromClause, first);
    if (ip) hop.ip = ip;
  }
  const plain = stripComments(body);
  const by = plain.match(/\bby\s+([^\s;]+)/i)?.[1];
  if (by) hop.by = by.toLowerCase();
  const exchange = /\bwith\s+Microsoft SMTP Server\b/i.test(plain);
  const protocol = exchange ? 'Microsoft SMTP Server' : plain.match(/\bwith\s+([^\s;]+)/i)?.[1];
  if (protocol) {
    hop.with = protocol;
    const family = protocol.match(SMTP_FAMILY);
    // RFC 3848: ESMTPS/ESMTPSA mean the hop ran over TLS, ESMTP/ESMTPA that it did not.
    if (family) hop.tls = (family[2] ?? '').toLowerCase().startsWith('s');
  }
  if (hop.tlsVersion && hop.tls === undefined) hop.tls = true;
  if (/\busing\s+TLS/i.test(body)) hop.tls = true;
  return hop;
}

export function parseHops(headers: readonly Header[]): Hop[] {
  return headerValues(headers, 'received').map(parseReceived);
}

const isSmtpHop = (hop: Hop) => hop.ip !== undefined && hop.with !== undefined && /^(e?smtp|utf8smtp|Microsoft SMTP Server)/i.test(hop.with);

/**
 * Which hop (its place in the Received chain, top first) is where the receiver accepted the message from
 * the sending relay, whose connecting IP is what SPF is evaluated against: the topmost hop from one of
 * the provider's sending IPs when they are known; else the first hop into the receiver's own MTAs
 * (Exchange Online passes a message through several of its own hops); else the topmost SMTP hop (delivery
 * hops such as LMTP or "local" sit above it).
 */
export function receivingHopIndex(hops: readonly Hop[], providerIps: readonly string[] = [], profile?: ReceiverProfile): number {
  if (providerIps.length > 0) {
    const wanted = new Set(providerIps.map((ip) => ip.toLowerCase()));
    const match = hops.findIndex((hop) => hop.ip !== undefined && wanted.has(hop.ip.toLowerCase()));
    if (match !== -1) return match;
  }
  if (profile) {
    const intoReceiver = hops.findLastIndex((hop) => hop.ip !== undefined && matchesAny(hop.by, profile.hosts));
    if (intoReceiver !== -1) return intoReceiver;
  }
  const smtp = hops.findIndex(isSmtpHop);
  return smtp !== -1 ? smtp : hops.findIndex((hop) => hop.ip !== undefined);
}

export function receivingHop(hops: readonly Hop[], providerIps: readonly string[] = [], profile?: ReceiverProfile): Hop | undefined {
  return hops[receivingHopIndex(hops, providerIps, profile)];
}

/** Index in `headers` of the Received header below the receiving hop's: where the receiver's part ends. */
export function receiverZoneEnd(headers: readonly Header[], hopIndex: number): number | undefined {
  if (hopIndex < 0) return undefined;
  let seen = -1;
  for (let i = 0; i < headers.length; i++) {
    if ((headers[i] as Header).name !== 'received') continue;
    seen++;
    if (seen === hopIndex + 1) return i;
  }
  return undefined;
}

const SPAM_HEADERS = [
  'x-spam-flag',
  'x-spam-score',
  'x-spam-status',
  'x-spam-level',
  'x-spam-report',
  'x-spam',
  'x-ms-exchange-organization-scl',
  'x-microsoft-antispam',
  'x-forefront-antispam-report',
  'x-rspamd-score',
  'x-rspamd-action',
  'x-yahoo-newman-property',
  'x-ymailisg',
  'x-apple-spam-score',
  'x-gm-spam',
  'x-barracuda-spam-score',
  'x-proofpoint-spam-details',
];

const num = (value: string | undefined) => {
  if (value === undefined) return undefined;
  const n = Number.parseFloat(value);
  return Number.isFinite(n) ? n : undefined;
};

/** What the receiver's filters said about spamminess, from the headers they commonly add. */
export function parseSpamIndicators(headers: readonly Header[]): SpamIndicators {
  const found: Record<string, string[]> = {};
  for (const h of headers) if (SPAM_HEADERS.includes(h.name)) (found[h.name] ??= []).push(h.value);
  const first = (name: string) => found[name]?.[0];
  const out: SpamIndicators = { headers: found };

  const flag = first('x-spam-flag') ?? first('x-spam');
  if (flag !== undefined) out.flag = /^\s*(yes|true)\b/i.test(flag);

  const status = first('x-spam-status');
  if (status !== undefined) {
    if (out.flag === undefined) out.flag = /^\s*yes\b/i.test(status);
    const score = status.match(/\b(?:score|hits)=(-?[\d.]+)/i)?.[1];
    const required = status.match(/\brequired=(-?[\d.]+)/i)?.[1];
    const tests = status.match(/\btests=([^\s,]+(?:,\s*[^\s,=]+)*)/i)?.[1];
    if (score !== undefined) out.score = num(score);
    if (required !== undefined) out.required = num(required);
    if (tests) out.tests = tests.split(/,\s*/).filter(Boolean);
  }
  const score = num(first('x-spam-score') ?? first('x-rspamd-score'));
  if (score !== undefined) out.score = score;

  const scl = num(first('x-ms-exchange-organization-scl'));
  if (scl !== undefined) out.scl = scl;
  const forefront = first('x-forefront-antispam-report') ?? '';
  const fields = Object.fromEntries(
    forefront
      .split(';')
      .map((f) => f.split(':').map((s) => s.trim()))
      .filter((kv) => kv.length >= 2 && kv[0])
      .map(([k, ...v]) => [(k as string).toUpperCase(), v.join(':')]),
  );
  if (out.scl === undefined && fields.SCL !== undefined) out.scl = num(fields.SCL);
  if (fields.SFV) out.sfv = fields.SFV;
  const bcl = (first('x-microsoft-antispam') ?? '').match(/\bBCL:(\d+)/i)?.[1];
  if (bcl !== undefined) out.bcl = Number(bcl);

  const report = first('x-spam-report');
  if (report !== undefined) out.report = report;
  return out;
}

/** The addr-spec inside a From or Message-ID value, lower-cased for comparison. */
export function angleAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const inside = value.match(/<([^>]*)>/)?.[1] ?? stripComments(value).trim();
  return inside.trim().toLowerCase() || undefined;
}
