import { Gunzip, Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';
import type { Limits } from '../config/report-limits.js';
import { sniff } from './sniff.js';
import { ReportError } from './types.js';

// Below this a ratio says nothing: a tiny file of repeated tags compresses well without being a bomb.
const RATIO_FLOOR_BYTES = 1024 * 1024;
// Input goes to the inflater in slices, so no single step can produce more than slice × 1032 bytes.
const SLICE = 16 * 1024;

/** The report document inside a file: gzip and zip are opened within the limits, anything else passes through. */
export function unpack(bytes: Uint8Array, limits: Limits): { bytes: Uint8Array; container: 'gzip' | 'zip' | 'plain' } {
  if (bytes.length > limits.maxCompressedBytes) throw new ReportError(`file is ${bytes.length} bytes; the limit is ${limits.maxCompressedBytes}`, true);
  const container = sniff(bytes);
  if (container === 'gzip') return { bytes: gunzip(bytes, limits), container };
  if (container === 'zip') return { bytes: unzipFirst(bytes, limits), container };
  return { bytes, container: 'plain' };
}

function collector(compressedSize: number, limits: Limits) {
  const chunks: Uint8Array[] = [];
  let total = 0;
  return {
    add(chunk: Uint8Array) {
      total += chunk.length;
      if (total > limits.maxUncompressedBytes) throw new ReportError(`decompresses to more than ${limits.maxUncompressedBytes} bytes`, true);
      if (total > RATIO_FLOOR_BYTES && total / compressedSize > limits.maxRatio) {
        throw new ReportError(`decompression ratio above ${limits.maxRatio}:1 (${compressedSize} bytes became more than ${total}): refused as a decompression bomb`, true);
      }
      chunks.push(chunk);
    },
    done(): Uint8Array {
      const out = new Uint8Array(total);
      let at = 0;
      for (const chunk of chunks) {
        out.set(chunk, at);
        at += chunk.length;
      }
      return out;
    },
  };
}

function gunzip(bytes: Uint8Array, limits: Limits): Uint8Array {
  const out = collector(bytes.length, limits);
  const stream = new Gunzip({}, (chunk) => out.add(chunk));
  try {
    for (let at = 0; at < bytes.length; at += SLICE) stream.push(bytes.subarray(at, at + SLICE), at + SLICE >= bytes.length);
  } catch (error) {
    if (error instanceof ReportError) throw error;
    throw new ReportError(`not a valid gzip file: ${(error as Error).message}`);
  }
  return out.done();
}

/** The first XML or JSON member of a zip archive (reports carry one). */
function unzipFirst(bytes: Uint8Array, limits: Limits): Uint8Array {
  const out = collector(bytes.length, limits);
  let found: string | undefined;
  let finished = false;
  let failure: unknown;
  const archive = new Unzip((file) => {
    if (found !== undefined || !/\.(xml|json)$/i.test(file.name)) return;
    found = file.name;
    file.ondata = (error, chunk, final) => {
      if (failure) return;
      if (error) {
        failure = error;
        return;
      }
      try {
        out.add(chunk);
      } catch (limit) {
        failure = limit;
        file.terminate();
      }
      if (final) finished = true;
    };
    file.start();
  });
  archive.register(UnzipInflate);
  archive.register(UnzipPassThrough);
  try {
    for (let at = 0; at < bytes.length && !failure; at += SLICE) archive.push(bytes.subarray(at, at + SLICE), at + SLICE >= bytes.length);
  } catch (error) {
    failure ??= error;
  }
  if (failure instanceof ReportError) throw failure;
  if (failure) throw new ReportError(`not a valid zip file: ${(failure as Error).message ?? String(failure)}`);
  if (found === undefined) throw new ReportError('the zip archive holds no .xml or .json file');
  if (!finished) throw new ReportError(`the zip member ${found} is truncated`);
  return out.done();
}
