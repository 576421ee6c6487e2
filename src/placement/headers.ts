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

function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of value) {
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function tokens(value: string): string[] {
  return value.match(/(?:[^\s"]+|"(?:[^"\\]|\\.)*")+/g) ?? [];
}

const unquote = (value: string) => (value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value);

export interface AuthResult {
  method: string;
  result: string;
  reason?: string;
  /** `ptype.property` → value, e.g. `header.d` → `example.com`. */
  props: Record<string, string>;
}

export interface AuthenticationResults {
  authservId: string;
  results: AuthResult[];
}

/** Parses one Authentication-Results header (RFC 8601). */
export function parseAuthenticationResults(value: string): AuthenticationResults {
  const parts = splitOutsideQuotes(stripComments(value), ';').map((p) => p.trim());
  const authservId = (tokens(parts[0] ?? '')[0] ?? '').toLowerCase();
  const results: AuthResult[] = [];
  for (const part of parts.slice(1)) {
    const [first, ...rest] = tokens(part);
    if (!first || first.toLowerCase() === 'none') continue;
    const eq = first.indexOf('=');
    if (eq <= 0) continue;
    const result: AuthResult = {
      method: (first.slice(0, eq).split('/')[0] as string).toLowerCase(),
      result: first.slice(eq + 1).toLowerCase(),
      props: {},
    };
    for (const token of rest) {
      const at = token.indexOf('=');
      if (at <= 0) continue;
      const key = token.slice(0, at).toLowerCase();
      const val = unquote(token.slice(at + 1));
      if (key === 'reason') result.reason = val;
      else result.props[key] = val;
    }
    results.push(result);
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

/**
 * The receiver's own verdicts: the topmost Authentication-Results header is the one the receiving
 * hop added (anything below it came with the message and may be forged), and only results from that
 * same authserv-id count.
 */
export function receiverVerdicts(headers: readonly Header[]): AuthVerdicts | undefined {
  const all = headerValues(headers, 'authentication-results').map(parseAuthenticationResults);
  const top = all[0];
  if (!top) return undefined;
  const details = all.filter((ar) => ar.authservId === top.authservId).flatMap((ar) => ar.results.map(detailOf));
  return { summary: summarise(details), details, by: top.authservId };
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
    const helo = fromClause.match(/^([^\s(]+)/)?.[1];
    if (helo) hop.from = helo.toLowerCase();
    const ips = [...fromClause.matchAll(/\[(?:IPv6:)?([0-9a-f:.]+)\]/gi)].map((m) => m[1] as string);
    const ip = ips[ips.length - 1];
    if (ip) hop.ip = ip;
  }
  const plain = stripComments(body);
  const by = plain.match(/\bby\s+([^\s;]+)/i)?.[1];
  if (by) hop.by = by.toLowerCase();
  const protocol = plain.match(/\bwith\s+([^\s;]+)/i)?.[1];
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

const isSmtpHop = (hop: Hop) => hop.ip !== undefined && hop.with !== undefined && /^(e?smtp|utf8smtp)/i.test(hop.with);

/**
 * The hop where the receiver accepted the message from the sending relay, whose connecting IP is what
 * SPF is evaluated against. With the provider's sending IPs known, the topmost hop from one of them;
 * otherwise the topmost SMTP hop (delivery hops such as LMTP or "local" sit above it).
 */
export function receivingHop(hops: readonly Hop[], providerIps: readonly string[] = []): Hop | undefined {
  if (providerIps.length > 0) {
    const wanted = new Set(providerIps.map((ip) => ip.toLowerCase()));
    const match = hops.find((hop) => hop.ip !== undefined && wanted.has(hop.ip.toLowerCase()));
    if (match) return match;
  }
  return hops.find(isSmtpHop) ?? hops.find((hop) => hop.ip !== undefined);
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
