/**
 * What a return code means to us. `listed` and `policy` are listings (policy ones carry severity
 * `info`: the address should not send direct-to-MX mail, which says nothing about its reputation);
 * `allow` is an allowlist entry, a positive signal; `neutral` is a reputation level that is neither
 * (reported clean, with its meaning); `error` is the list telling us it did not answer the question
 * (refused resolver, bad key, wrong kind of query) and never counts as listed.
 */
export type CodeEffect = 'listed' | 'policy' | 'allow' | 'neutral' | 'error';

export type CodeRule =
  /** One exact answer, e.g. 127.0.0.2. */
  | { code: string; meaning: string; effect: CodeEffect }
  /** Any answer inside a range, e.g. 127.255.255.0/24 for Spamhaus errors. */
  | { range: string; meaning: string; effect: CodeEffect }
  /** A bit of the last octet, for bitmask lists such as SURBL and URIBL. */
  | { bit: number; meaning: string; effect: CodeEffect }
  /** The value of the last octet whatever the rest, e.g. the dnswl.org trust level. */
  | { last: number; meaning: string; effect: CodeEffect };

export type TargetKind = 'ip' | 'domain';

export interface ListDefinition {
  /** The public zone name; results always report this, even when queries go to a keyed mirror. */
  zone: string;
  name: string;
  kind: 'block' | 'allow';
  targets: TargetKind;
  /** IP lists: whether the operator documents IPv6 (nibble-reversed) queries. */
  ipv6: boolean;
  /** Domain lists: DBL/ZRD take the full hostname, URI lists the registrable domain. */
  domainQuery: 'hostname' | 'registrable';
  /** Answers outside this range are a resolver or list fault, never a listing. */
  answerRange: string;
  /** `exact` matches codes/ranges/last octet, first rule wins; `bitmask` combines every matching bit. */
  encoding: 'exact' | 'bitmask';
  codes: CodeRule[];
  /** RFC 5782 test points: `listed` must be listed, `unlisted` must not be. */
  testPoints: { listed?: string; unlisted: string };
  /** IPv6 lists: the RFC 5782 §5 IPv6 pair, asked by nibbles when a sweep has IPv6 targets for the list. */
  ipv6TestPoints?: { listed?: string; unlisted: string };
  usage: string;
  delistUrl: string | null;
  /** Keyed access: queries go to `<name>.<key>.<keyedZone>`; without the key the list is not used. */
  access?: { key: 'dqsKey' | 'abusixKey'; keyedZone: string; only: boolean };
  /** Asked only when named in `blocklists.zones` or `--zones`: its listings are already another default list's. */
  optIn?: boolean;
}


/**
 * The lists inboxwatch checks by default: alive, documented and decodable. Each entry says what its
 * answers mean, which answers are the list refusing to answer, how it may be used and where to delist.
 * Sources: each operator's usage/return-code documentation (Spamhaus "Available Zones", URIBL usage
 * and refused pages, SURBL lists page, dnswl.org, Abusix production zones, the Mailspike usage page).
 */

const IP_TEST_POINTS = { listed: '127.0.0.2', unlisted: '127.0.0.1' };
/** RFC 5782 §5: an IPv6 list must list ::FFFF:7F00:2 and must not list ::FFFF:7F00:1. */
export const IPV6_TEST_POINTS = { listed: '::FFFF:7F00:2', unlisted: '::FFFF:7F00:1' };
/** RFC 5782 §5: domain lists must not list INVALID. */
const UNLISTED_DOMAIN = 'invalid';

const SPAMHAUS_ERRORS: CodeRule[] = [
  { code: '127.255.255.250', meaning: 'DQS key not valid or disabled', effect: 'error' },
  { code: '127.255.255.251', meaning: 'DQS key not valid or disabled', effect: 'error' },
  { code: '127.255.255.252', meaning: 'typing error in the DNSBL name', effect: 'error' },
  { code: '127.255.255.254', meaning: 'query through a public/open resolver (or an unattributable one)', effect: 'error' },
  { code: '127.255.255.255', meaning: 'excessive number of queries', effect: 'error' },
  { range: '127.255.255.0/24', meaning: 'Spamhaus query error', effect: 'error' },
];

const SPAMHAUS_USAGE =
  'free for low-volume, non-commercial use through your own recursive resolver; public resolvers (Google, Cloudflare, OVH, …) get 127.255.255.254; set blocklists.dqsKey (free DQS account) to query the DQS zones instead';

const SPAMHAUS_DELIST = 'https://check.spamhaus.org/';

/** rep.mailspike.net's levels (mailspike.org usage page): one answer per address, from L5 (worst) to H5. */
const MAILSPIKE_LEVELS: CodeRule[] = [
  { code: '127.0.0.10', meaning: 'Mailspike L5: worst possible reputation', effect: 'listed' },
  { code: '127.0.0.11', meaning: 'Mailspike L4: very bad reputation', effect: 'listed' },
  { code: '127.0.0.12', meaning: 'Mailspike L3: bad reputation', effect: 'listed' },
  { code: '127.0.0.13', meaning: 'Mailspike L2: suspicious behaviour', effect: 'neutral' },
  { code: '127.0.0.14', meaning: 'Mailspike L1: neutral, probably spam', effect: 'neutral' },
  { code: '127.0.0.15', meaning: 'Mailspike H0: neutral', effect: 'neutral' },
  { code: '127.0.0.16', meaning: 'Mailspike H1: neutral, probably legitimate', effect: 'neutral' },
  { code: '127.0.0.17', meaning: 'Mailspike H2: possibly a legitimate sender', effect: 'allow' },
  { code: '127.0.0.18', meaning: 'Mailspike H3: good reputation', effect: 'allow' },
  { code: '127.0.0.19', meaning: 'Mailspike H4: very good reputation', effect: 'allow' },
  { code: '127.0.0.20', meaning: 'Mailspike H5: excellent reputation', effect: 'allow' },
];

const MAILSPIKE_USAGE = 'free for low-volume sites: under 100,000 messages and 100,000 DNS queries a day (larger users arrange a data feed with Mailspike)';
const MAILSPIKE_DELIST = 'https://mailspike.io/ip_verify';

export const CATALOGUE: readonly ListDefinition[] = [
  {
    zone: 'zen.spamhaus.org',
    name: 'Spamhaus ZEN',
    kind: 'block',
    targets: 'ip',
    ipv6: true,
    domainQuery: 'hostname',
    answerRange: '127.0.0.0/8',
    encoding: 'exact',
    codes: [
      { code: '127.0.0.2', meaning: 'SBL: Spamhaus Blocklist (spam source or spam operation)', effect: 'listed' },
      { code: '127.0.0.3', meaning: 'SBL CSS: snowshoe / low-reputation sending detected automatically', effect: 'listed' },
      { code: '127.0.0.4', meaning: 'XBL: exploited host (botnet, malware, open proxy)', effect: 'listed' },
      { code: '127.0.0.5', meaning: 'XBL: exploited host', effect: 'listed' },
      { code: '127.0.0.6', meaning: 'XBL: exploited host', effect: 'listed' },
      { code: '127.0.0.7', meaning: 'XBL: exploited host', effect: 'listed' },
      { code: '127.0.0.9', meaning: 'SBL DROP: hijacked or criminal netblock', effect: 'listed' },
      { code: '127.0.0.30', meaning: 'SBL BCL: botnet controller', effect: 'listed' },
      { code: '127.0.0.10', meaning: 'PBL: policy listing maintained by the ISP (should not send direct-to-MX mail)', effect: 'policy' },
      { code: '127.0.0.11', meaning: 'PBL: policy listing maintained by Spamhaus (should not send direct-to-MX mail)', effect: 'policy' },
      ...SPAMHAUS_ERRORS,
    ],
    testPoints: IP_TEST_POINTS,
    ipv6TestPoints: IPV6_TEST_POINTS,
    usage: SPAMHAUS_USAGE,
    delistUrl: SPAMHAUS_DELIST,
    access: { key: 'dqsKey', keyedZone: 'zen.dq.spamhaus.net', only: false },
  },
  {
    zone: 'dbl.spamhaus.org',
    name: 'Spamhaus DBL',
    kind: 'block',
    targets: 'domain',
    ipv6: false,
    domainQuery: 'hostname',
    answerRange: '127.0.0.0/8',
    encoding: 'exact',
    codes: [
      { code: '127.0.1.2', meaning: 'spam domain', effect: 'listed' },
      { code: '127.0.1.4', meaning: 'phishing domain', effect: 'listed' },
      { code: '127.0.1.5', meaning: 'malware domain', effect: 'listed' },
      { code: '127.0.1.6', meaning: 'botnet C&C domain', effect: 'listed' },
      { code: '127.0.1.102', meaning: 'abused legitimate domain (spam)', effect: 'listed' },
      { code: '127.0.1.103', meaning: 'abused legitimate domain (spammed redirector)', effect: 'listed' },
      { code: '127.0.1.104', meaning: 'abused legitimate domain (phishing)', effect: 'listed' },
      { code: '127.0.1.105', meaning: 'abused legitimate domain (malware)', effect: 'listed' },
      { code: '127.0.1.106', meaning: 'abused legitimate domain (botnet C&C)', effect: 'listed' },
      { code: '127.0.1.255', meaning: 'IP address queried against a domain list', effect: 'error' },
      ...SPAMHAUS_ERRORS,
    ],
    testPoints: { listed: 'dbltest.com', unlisted: UNLISTED_DOMAIN },
    usage: SPAMHAUS_USAGE,
    delistUrl: SPAMHAUS_DELIST,
    access: { key: 'dqsKey', keyedZone: 'dbl.dq.spamhaus.net', only: false },
  },
  {
    zone: 'zrd.spamhaus.org',
    name: 'Spamhaus ZRD (zero-reputation domains)',
    kind: 'block',
    targets: 'domain',
    ipv6: false,
    domainQuery: 'hostname',
    answerRange: '127.0.0.0/8',
    encoding: 'exact',
    codes: [
      ...Array.from({ length: 23 }, (_, i): CodeRule => ({
        code: `127.0.2.${i + 2}`,
        meaning: i === 0 ? 'domain first seen less than 2 hours ago' : `domain first seen ${i + 1}–${i + 2} hours ago`,
        effect: 'policy',
      })),
      ...SPAMHAUS_ERRORS,
    ],
    // ZRD documents no permanent positive test entry; the negative one still catches "lists everything".
    testPoints: { unlisted: UNLISTED_DOMAIN },
    usage: 'DQS only (free DQS account): used only when blocklists.dqsKey is set',
    delistUrl: null,
    access: { key: 'dqsKey', keyedZone: 'zrd.dq.spamhaus.net', only: true },
  },
  {
    zone: 'b.barracudacentral.org',
    name: 'Barracuda Reputation Block List',
    kind: 'block',
    targets: 'ip',
    ipv6: false,
    domainQuery: 'hostname',
    answerRange: '127.0.0.0/8',
    encoding: 'exact',
    codes: [{ code: '127.0.0.2', meaning: 'poor sending reputation (Barracuda BRBL)', effect: 'listed' }],
    testPoints: IP_TEST_POINTS,
    usage: 'free; Barracuda asks that the querying DNS servers be registered at barracudacentral.org',
    delistUrl: 'https://www.barracudacentral.org/rbl/removal-request',
  },
  {
    zone: 'bl.spamcop.net',
    name: 'SpamCop Blocking List',
    kind: 'block',
    targets: 'ip',
    ipv6: false,
    domainQuery: 'hostname',
    answerRange: '127.0.0.0/8',
    encoding: 'exact',
    codes: [{ code: '127.0.0.2', meaning: 'reported by SpamCop users / spam traps', effect: 'listed' }],
    testPoints: IP_TEST_POINTS,
    usage: 'free; listings expire automatically about 24 hours after reports stop',
    delistUrl: 'https://www.spamcop.net/bl.shtml',
  },
  {
    zone: 'psbl.surriel.com',
    name: 'Passive Spam Block List',
    kind: 'block',
    targets: 'ip',
    ipv6: false,
    domainQuery: 'hostname',
    answerRange: '127.0.0.0/8',
    encoding: 'exact',
    codes: [{ code: '127.0.0.2', meaning: 'sent mail to PSBL spam traps', effect: 'listed' }],
    testPoints: IP_TEST_POINTS,
    usage: 'free',
    delistUrl: 'https://psbl.org/remove',
  },
  {
    zone: 'dnsbl-1.uceprotect.net',
    name: 'UCEPROTECT Level 1',
    kind: 'block',
    targets: 'ip',
    ipv6: false,
    domainQuery: 'hostname',
    answerRange: '127.0.0.0/8',
    encoding: 'exact',
    codes: [{ code: '127.0.0.2', meaning: 'this address hit UCEPROTECT spam traps', effect: 'listed' }],
    testPoints: IP_TEST_POINTS,
    usage: 'free for low volume; listings expire after 7 days without hits (paid express delisting exists)',
    delistUrl: 'https://www.uceprotect.net/en/rblcheck.php',
  },
  {
    zone: 'dnsbl-2.uceprotect.net',
    name: 'UCEPROTECT Level 2',
    kind: 'block',
    targets: 'ip',
    ipv6: false,
    domainQuery: 'hostname',
    answerRange: '127.0.0.0/8',
    encoding: 'exact',
    codes: [{ code: '127.0.0.2', meaning: 'policy: neighbouring addresses in this allocation are listed (L2)', effect: 'policy' }],
    testPoints: IP_TEST_POINTS,
    usage: 'free for low volume; a netblock-level policy list, not about this address itself',
    delistUrl: 'https://www.uceprotect.net/en/rblcheck.php',
  },
  {
    zone: 'dnsbl-3.uceprotect.net',
    name: 'UCEPROTECT Level 3',
    kind: 'block',
    targets: 'ip',
    ipv6: false,
    domainQuery: 'hostname',
    answerRange: '127.0.0.0/8',
    encoding: 'exact',
    codes: [{ code: '127.0.0.2', meaning: 'policy: the whole network (ASN) is listed (L3)', effect: 'policy' }],
    testPoints: IP_TEST_POINTS,
    usage: 'free for low volume; an ASN-level policy list, not about this address itself',
    delistUrl: 'https://www.uceprotect.net/en/rblcheck.php',
  },
  {
    zone: 'list.dnswl.org',
    name: 'DNSWL.org allowlist',
    kind: 'allow',
    targets: 'ip',
    ipv6: true,
    domainQuery: 'hostname',
    answerRange: '127.0.0.0/8',
    encoding: 'exact',
    codes: [
      { code: '127.0.0.255', meaning: 'query blocked: excessive use or public resolver', effect: 'error' },
      { last: 0, meaning: 'allowlisted (trust: none)', effect: 'allow' },
      { last: 1, meaning: 'allowlisted (trust: low)', effect: 'allow' },
      { last: 2, meaning: 'allowlisted (trust: medium)', effect: 'allow' },
      { last: 3, meaning: 'allowlisted (trust: high)', effect: 'allow' },
    ],
    testPoints: IP_TEST_POINTS,
    ipv6TestPoints: IPV6_TEST_POINTS,
    usage: 'free for low volume (under 100,000 queries a day); an allowlist: an entry is a positive signal',
    delistUrl: null,
  },
  {
    zone: 'multi.uribl.com',
    name: 'URIBL multi',
    kind: 'block',
    targets: 'domain',
    ipv6: false,
    domainQuery: 'registrable',
    answerRange: '127.0.0.0/8',
    encoding: 'bitmask',
    codes: [
      { bit: 1, meaning: 'query refused (public resolver or excessive volume)', effect: 'error' },
      { bit: 2, meaning: 'black: domain used by spammers', effect: 'listed' },
      { bit: 4, meaning: 'grey: bulk sender that may honour opt-outs', effect: 'policy' },
      { bit: 8, meaning: 'red: young or privacy-protected domain seen in mail flow', effect: 'listed' },
    ],
    testPoints: { listed: 'test.uribl.com', unlisted: UNLISTED_DOMAIN },
    usage: 'free for low volume through your own resolver; refused queries answer 127.0.0.1',
    delistUrl: 'https://admin.uribl.com/',
  },
  {
    zone: 'multi.surbl.org',
    name: 'SURBL multi',
    kind: 'block',
    targets: 'domain',
    ipv6: false,
    domainQuery: 'registrable',
    answerRange: '127.0.0.0/24',
    encoding: 'bitmask',
    codes: [
      { bit: 1, meaning: 'query blocked (public resolver or excessive volume)', effect: 'error' },
      { bit: 8, meaning: 'PH: phishing', effect: 'listed' },
      { bit: 16, meaning: 'MW: malware', effect: 'listed' },
      { bit: 64, meaning: 'ABUSE: spam and abuse', effect: 'listed' },
      { bit: 128, meaning: 'CR: cracked site', effect: 'listed' },
    ],
    testPoints: { listed: 'test.surbl.org', unlisted: UNLISTED_DOMAIN },
    usage: 'free for low volume (under 1,000 users or 250,000 messages a day) through your own resolver',
    delistUrl: 'https://www.surbl.org/surbl-analysis',
  },
  {
    zone: 'bl.mailspike.net',
    name: 'Mailspike Blocklist',
    kind: 'block',
    targets: 'ip',
    ipv6: false,
    domainQuery: 'hostname',
    answerRange: '127.0.0.0/8',
    encoding: 'exact',
    // z.mailspike.net (a distributed spam wave) plus the three worst rep.mailspike.net levels.
    codes: [
      { code: '127.0.0.2', meaning: 'seen in a distributed spam wave (Mailspike Z)', effect: 'listed' },
      ...MAILSPIKE_LEVELS.filter((level) => level.effect === 'listed'),
    ],
    // Mailspike publishes no positive test entry; the negative one still catches "lists everything".
    testPoints: { unlisted: IP_TEST_POINTS.unlisted },
    usage: MAILSPIKE_USAGE,
    delistUrl: MAILSPIKE_DELIST,
  },
  {
    zone: 'rep.mailspike.net',
    name: 'Mailspike Reputation',
    kind: 'block',
    targets: 'ip',
    ipv6: false,
    domainQuery: 'hostname',
    answerRange: '127.0.0.0/8',
    encoding: 'exact',
    codes: MAILSPIKE_LEVELS,
    testPoints: { unlisted: IP_TEST_POINTS.unlisted },
    // bl.mailspike.net already carries L5–L3; asking both by default would report one fact twice.
    optIn: true,
    usage: `${MAILSPIKE_USAGE}; a reputation level for every address it has seen: L5–L3 count as listed, L2–H1 as neutral, H2–H5 as a positive signal`,
    delistUrl: MAILSPIKE_DELIST,
  },
  {
    zone: 'combined.mail.abusix.zone',
    name: 'Abusix Mail Intelligence (combined)',
    kind: 'block',
    targets: 'ip',
    ipv6: true,
    domainQuery: 'hostname',
    answerRange: '127.0.0.0/8',
    encoding: 'exact',
    codes: [
      { code: '127.0.0.2', meaning: 'black: sent mail to Abusix spam traps', effect: 'listed' },
      { code: '127.0.0.3', meaning: 'black: low reputation by heuristics', effect: 'listed' },
      { code: '127.0.0.200', meaning: 'black: manual listing', effect: 'listed' },
      { code: '127.0.0.4', meaning: 'exploit: compromised or exploited host', effect: 'listed' },
      { code: '127.0.0.11', meaning: 'policy: generic reverse DNS (should use a smarthost)', effect: 'policy' },
      { code: '127.0.0.12', meaning: 'policy: no reverse DNS (should use a smarthost)', effect: 'policy' },
    ],
    testPoints: IP_TEST_POINTS,
    ipv6TestPoints: IPV6_TEST_POINTS,
    usage: 'free key for low volume (abusix.com); used only when blocklists.abusixKey is set',
    delistUrl: 'https://lookup.abusix.com/',
    access: { key: 'abusixKey', keyedZone: 'combined.mail.abusix.zone', only: true },
  },
];

/** Zones deliberately not in the catalogue, and why; the README names them. */
export const EXCLUDED: ReadonlyArray<{ zone: string; why: string }> = [
  { zone: 'dnsbl.sorbs.net', why: 'SORBS was shut down in 2024' },
  { zone: 'cbl.abuseat.org', why: 'the CBL was folded into Spamhaus XBL (query zen.spamhaus.org)' },
  { zone: 'dnsbl.njabl.org', why: 'NJABL closed in 2013' },
  { zone: 'list.dsbl.org', why: 'DSBL closed in 2009' },
  { zone: 'dnsbl.ahbl.org', why: 'AHBL closed in 2015 and then answered "listed" to every query' },
  { zone: 'bl.spamcannibal.org', why: 'SpamCannibal lapsed and its zone answered "listed" to every query' },
  { zone: 'bl.emailbasura.org', why: 'dead; its zone answered "listed" to every query' },
  { zone: 'relays.ordb.org', why: 'ORDB closed in 2006' },
  {
    zone: 'bl.score.senderscore.com',
    why: "Validity's Sender Score blocklist answers unregistered resolvers with a 'blocked' code and publishes no terms that allow a third-party monitor to query it; add it under blocklists.custom if you hold an agreement with Validity",
  },
];

export function findListing(zone: string): ListDefinition | undefined {
  const wanted = zone.toLowerCase().replace(/\.$/, '');
  return CATALOGUE.find((list) => list.zone === wanted);
}

/** The lists used when `blocklists.zones` is not set: every public list that is not opt-in, plus keyed ones whose key is set. */
export function defaultZones(keys: { dqsKey?: string; abusixKey?: string }): string[] {
  return CATALOGUE.filter((list) => !list.optIn && (!list.access?.only || keys[list.access.key] !== undefined)).map((list) => list.zone);
}
