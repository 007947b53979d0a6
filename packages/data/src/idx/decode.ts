import { bytesArgument, optionalStringArgument } from '../arguments.js';
import type { IdxArray } from './dtype.js';
import { gunzip, isGzip } from './gzip.js';
import { parseIdx } from './parse.js';

/**
 * Like `parseIdx`, but decompresses gzipped input asynchronously with DecompressionStream,
 * so it works in browsers (where node:zlib does not exist) as well as in Node.
 */
export async function decodeIdx(bytes: Uint8Array | ArrayBuffer, source?: string): Promise<IdxArray> {
  const data = bytesArgument('decodeIdx(bytes)', bytes);
  optionalStringArgument('decodeIdx(bytes, source)', source, 'a file name or URL (or left out)');
  return parseIdx(isGzip(data) ? await gunzip(data, source) : data, source);
}
