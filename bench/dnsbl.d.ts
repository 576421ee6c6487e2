// The npm `dnsbl` package ships no types; this is the part of its API the benchmark uses.
declare module 'dnsbl' {
  export interface BatchOptions {
    servers?: string | string[];
    concurrency?: number;
    timeout?: number;
    includeTxt?: boolean;
  }
  export function batch(addresses: string | string[], lists: string | string[], options?: BatchOptions): Promise<Array<{ address: string; blacklist: string; listed: boolean }>>;
}
