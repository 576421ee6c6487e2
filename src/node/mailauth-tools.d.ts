// Types for the parts of mailauth's modules the audit uses that ship without declarations.
declare module 'mailauth/lib/tools.js' {
  export function getPublicKey(
    type: 'DKIM',
    name: string,
    minBitLength: number,
    resolver: (name: string, type: string) => Promise<string[][]>,
  ): Promise<{ publicKey: string; rr: string; modulusLength?: number }>;
}

declare module 'mailauth/lib/dmarc/get-dmarc-record.js' {
  type Policy = 'none' | 'quarantine' | 'reject';
  export function parseDmarcRecord(record: string): Record<string, string | number>;
  export function getPolicyTags(record: Record<string, string | number>): { p: Policy; sp?: Policy; np?: Policy } | null;
}
