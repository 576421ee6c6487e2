/** Reports as inboxwatch keeps them, whatever form they arrived in. Pure data. */

export type ReportKind = 'aggregate' | 'failure' | 'tls';

/** Which edition of the aggregate format a report was written in. */
export type AggregateSchema = 'draft' | 'rfc7489' | 'rfc9990';

export interface PublishedPolicy {
  domain: string;
  adkim: string | null;
  aspf: string | null;
  p: string | null;
  sp: string | null;
  /** RFC 9990: the policy for non-existent subdomains. */
  np: string | null;
  /** RFC 7489 only; RFC 9990 dropped it. */
  pct: number | null;
  fo: string | null;
  /** RFC 9990 `t=y`: the policy was published in testing mode. */
  testing: boolean | null;
  /** RFC 9990: how the receiver found the policy (`psl` or `treewalk`). */
  discoveryMethod: string | null;
}

export interface DkimResult {
  domain: string;
  /** Missing in many reports. */
  selector: string | null;
  result: string;
}

export interface SpfResult {
  domain: string;
  scope: string | null;
  result: string;
}

export interface PolicyOverride {
  type: string;
  comment: string | null;
}

export interface AggregateRecord {
  sourceIp: string;
  count: number;
  disposition: string;
  /** DMARC's own verdicts: did SPF / DKIM pass *aligned*. */
  dkimAligned: string;
  spfAligned: string;
  overrides: PolicyOverride[];
  headerFrom: string;
  envelopeFrom: string | null;
  envelopeTo: string | null;
  dkim: DkimResult[];
  spf: SpfResult[];
}

export interface AggregateReport {
  kind: 'aggregate';
  schema: AggregateSchema;
  org: string;
  email: string | null;
  reportId: string;
  /** UTC epoch ms. */
  begin: number;
  end: number;
  generator: string | null;
  errors: string[];
  policy: PublishedPolicy;
  records: AggregateRecord[];
}

export interface TlsFailure {
  resultType: string;
  sendingMtaIp: string | null;
  receivingMxHostname: string | null;
  receivingIp: string | null;
  failedSessions: number;
  reasonCode: string | null;
}

export interface TlsPolicy {
  policyType: string;
  policyDomain: string;
  mxHosts: string[];
  successfulSessions: number;
  failedSessions: number;
  failures: TlsFailure[];
}

export interface TlsReport {
  kind: 'tls';
  org: string;
  email: string | null;
  reportId: string;
  begin: number;
  end: number;
  policies: TlsPolicy[];
}

export interface FailureReport {
  kind: 'failure';
  /** `dmarc`, `dkim` or `spf` (RFC 6591 Auth-Failure). */
  authFailure: string;
  reportedDomain: string;
  sourceIp: string | null;
  /** UTC epoch ms, when the report gives an Arrival-Date. */
  arrivalDate: number | null;
  originalMailFrom: string | null;
  originalRcptTo: string | null;
  deliveryResult: string | null;
  dkimDomain: string | null;
  dkimSelector: string | null;
  identityAlignment: string | null;
  authenticationResults: string | null;
  userAgent: string | null;
  /** Subject, From and Message-ID of the failed message, when the report includes its headers. */
  subject: string | null;
  from: string | null;
  messageId: string | null;
}

export type Report = AggregateReport | TlsReport | FailureReport;

/** Why a file was turned away; `unsafe` ones (bombs, entity declarations) keep none of their content. */
export class ReportError extends Error {
  constructor(
    message: string,
    readonly unsafe = false,
  ) {
    super(message);
    this.name = 'ReportError';
  }
}
