// Types for the part of mailauth's tools module the audit uses; it ships without declarations.
declare module 'mailauth/lib/tools.js' {
  export function getPublicKey(
    type: 'DKIM',
    name: string,
    minBitLength: number,
    resolver: (name: string, type: string) => Promise<string[][]>,
  ): Promise<{ publicKey: string; rr: string; modulusLength?: number; keyType: 'rsa' | 'ed25519'; warnings: string[] }>;
}
