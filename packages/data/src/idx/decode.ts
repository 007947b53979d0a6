import type { IdxArray } from './dtype.js';
import { gunzip, isGzip } from './gzip.js';
import { parseIdx } from './parse.js';

/**
 * Like `parseIdx`, but decompresses gzipped input asynchronously with DecompressionStream,
 * so it works in browsers (where node:zlib does not exist) as well as in Node.
 */
export async function decodeIdx(bytes: Uint8Array, source?: string): Promise<IdxArray> {
  return parseIdx(isGzip(bytes) ? await gunzip(bytes, source) : bytes, source);
}
