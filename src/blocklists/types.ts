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
}

export type Severity = 'high' | 'info';

export type CheckStatus = 'listed' | 'clean' | 'error';

export interface CheckResult {
  target: string;
  zone: string;
  list: string;
  status: CheckStatus;
  /** Listings only: `info` for policy listings, `high` for reputation listings. */
  severity: Severity | null;
  /** An allowlist entry: a positive signal, reported with status `clean`. */
  allowlisted: boolean;
  codes: string[];
  meaning: string | null;
  reason: string | null;
  delistUrl: string | null;
  error: string | null;
}

export interface ListHealth {
  zone: string;
  list: string;
  healthy: boolean;
  /** Why the list was not trusted this sweep. */
  cause: string | null;
}
