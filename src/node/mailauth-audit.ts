import type { DMARCResult, DNSResolver } from 'mailauth';
import { bimi } from 'mailauth/lib/bimi/index.js';
import { parsePolicy, validateMx } from 'mailauth/lib/mta-sts.js';
import { getPublicKey } from 'mailauth/lib/tools.js';
import type { MTASTSPolicy } from 'mailauth';
import type { AuditToolkit, DkimKey } from '../audit/toolkit.js';
import { toMailauthResolver } from './mailauth-resolver.js';

/** Parsed keys kept per toolkit: parsing a key is the costliest step of an audit and keys rarely change. */
const MAX_PARSED_KEYS = 2000;

/** The audit's mailauth pieces on Node; one per process, so its key cache lives as long as the process. */
export function createMailauthToolkit(): AuditToolkit {
  const parsedKeys = new Map<string, Promise<DkimKey>>();
  return {
    readDkimKey(name, record) {
      let parsed = parsedKeys.get(record);
      if (parsed === undefined) {
        // The record is handed over rather than re-queried: mailauth reads it exactly as its verifier will.
        parsed = getPublicKey('DKIM', name, 1, async () => [[record]]).then((key) => ({
          publicKey: key.publicKey,
          modulusLength: key.modulusLength,
          keyType: key.keyType,
          // mailauth accepts such a key leniently and says so; strict receivers reject it.
          typeInferred: key.warnings.includes('key-type-inferred'),
        }));
        if (parsedKeys.size >= MAX_PARSED_KEYS) parsedKeys.delete(parsedKeys.keys().next().value as string);
        parsedKeys.set(record, parsed);
      }
      return parsed;
    },
    parseMtaStsPolicy: (body) => parsePolicy(body),
    // The policy came from parsePolicy, so its mode is one mailauth knows.
    mxMatchesPolicy: (host, policy) => validateMx(host, policy as MTASTSPolicy).valid,
    async lookupBimi(resolver, domain) {
      // mailauth decides BIMI for received mail; handed a DMARC "pass" at enforcement, it looks the record up
      // and validates it, and the enforcement verdict stays the audit's.
      const passed = {
        status: { result: 'pass', header: { from: domain } },
        domain,
        policy: 'reject',
        alignment: {},
        record: { p: 'reject' },
        orgRecord: false,
      } as unknown as DMARCResult;
      const result = await bimi({ dmarc: passed, headers: { parsed: [] }, resolver: toMailauthResolver(resolver) as DNSResolver });
      if (!result) return undefined;
      return {
        result: result.status.result,
        comment: result.status.comment ?? '',
        rr: result.rr,
        location: result.location,
        authority: result.authority,
      };
    },
  };
}
