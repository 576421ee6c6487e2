import { authenticate, type AuthenticateResult, type DNSResolver } from 'mailauth';
import { toMailauthResolver } from './mailauth-resolver.js';
import type { Resolver } from '../dns/types.js';
import { authWord, summarise } from '../placement/headers.js';
import type { AuthDetail, AuthVerdicts, Hop } from '../placement/types.js';

/**
 * Our own SPF/DKIM/DMARC/ARC verdicts on the raw message as it arrived, evaluated as the receiving hop
 * saw it: its connecting IP and HELO, the envelope sender from Return-Path. mailauth does the work;
 * DNS goes through the run's resolver. DMARC here is RFC 7489's (mailauth 4.x predates DMARCbis).
 */
export async function verifyLocally(
  source: Uint8Array,
  context: { hop: Hop | null; returnPath: string | null },
  resolver: Resolver,
): Promise<AuthVerdicts> {
  const result = await authenticate(Buffer.from(source), {
    ip: context.hop?.ip,
    helo: context.hop?.from,
    mta: context.hop?.by ?? 'inboxwatch',
    sender: context.returnPath ?? undefined,
    resolver: toMailauthResolver(resolver) as unknown as DNSResolver,
    disableBimi: true,
    trustReceived: false,
  });
  return toVerdicts(result, context.hop?.ip !== undefined);
}

export function toVerdicts(result: AuthenticateResult, hadIp: boolean): AuthVerdicts {
  const details: AuthDetail[] = [];
  if (result.spf && hadIp) {
    const spf: AuthDetail = { method: 'spf', result: authWord(result.spf.status.result) };
    if (result.spf.domain) spf.domain = result.spf.domain.toLowerCase();
    details.push(spf);
  }
  for (const sig of result.dkim.results) {
    const dkim: AuthDetail = { method: 'dkim', result: authWord(sig.status.result) };
    if (sig.signingDomain) dkim.domain = sig.signingDomain.toLowerCase();
    if (sig.selector) dkim.selector = sig.selector;
    if (sig.status.comment) dkim.reason = sig.status.comment;
    details.push(dkim);
  }
  if (result.dmarc) {
    const dmarc: AuthDetail = { method: 'dmarc', result: authWord(result.dmarc.status.result) };
    if (result.dmarc.domain) dmarc.domain = result.dmarc.domain.toLowerCase();
    details.push(dmarc);
  }
  if (result.arc && result.arc.i !== false) details.push({ method: 'arc', result: authWord(result.arc.status.result) });
  return { summary: summarise(details), details, by: 'inboxwatch' };
}
