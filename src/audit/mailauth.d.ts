// Types for the parts of mailauth 4.13 the audit uses that ship without declarations.
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
  ): Promise<{ publicKey: string; rr: string; modulusLength?: number }>;
}
