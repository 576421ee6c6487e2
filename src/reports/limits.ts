import type { ReportsConfig } from '../config/schema.js';
import type { Limits } from '../config/report-limits.js';

export function limitsOf(config: ReportsConfig): Limits {
  return { maxCompressedBytes: config.limits.maxCompressed, maxUncompressedBytes: config.limits.maxUncompressed, maxRatio: config.limits.maxRatio };
}
