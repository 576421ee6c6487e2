// Types for the parts of mailauth 7 the audit uses that ship without declarations.
declare module 'mailauth/lib/tools.js' {
  export interface TagValueRecord {
    tags: Record<string, string | string[]>;
    errors: string[];
    warnings: string[];
    isValid: boolean;
  }
  export function parseTagValueRecord(
    record: string,
    options?: { requiredTags?: string[]; allowedTags?: string[] | null; caseSensitive?: boolean; strictMode?: boolean; allowDuplicateKeys?: boolean },
  ): TagValueRecord;
  export function getPublicKey(
    type: 'DKIM',
    name: string,
    minBitLength: number,
    resolver: (name: string, type: string) => Promise<string[][]>,
    options?: { strict?: boolean },
  ): Promise<{ publicKey: string; rr: string; modulusLength?: number; keyType: 'rsa' | 'ed25519'; warnings: string[] }>;
}
declare module 'mailauth/lib/dmarc/get-dmarc-record.js' {
  /** RFC 9989 §4.10.1: the policy tags a record is applied with, or null when receivers ignore it. */
  export function getPolicyTags(record: { p?: string; sp?: string; np?: string; rua?: string }): { p: string; sp?: string; np?: string } | null;
}
