/** How much one report file may hold; the configuration's defaults and the decoder's checks share them. */
export interface Limits {
  /** Largest file accepted as it arrives (compressed or not). */
  maxCompressedBytes: number;
  /** Largest report accepted once decompressed. */
  maxUncompressedBytes: number;
  /** Largest decompressed/compressed size ratio; real reports stay far below it, bombs far above. */
  maxRatio: number;
}

export const DEFAULT_LIMITS: Limits = { maxCompressedBytes: 20 * 1024 * 1024, maxUncompressedBytes: 200 * 1024 * 1024, maxRatio: 200 };
