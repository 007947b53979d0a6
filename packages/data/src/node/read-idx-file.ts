import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { IdxArray } from '../idx/dtype.js';
import { gunzipOrThrow, isGzip } from '../idx/gzip.js';
import { parseIdx } from '../idx/parse.js';

/** Reads and parses an IDX file; gzipped files (`.gz` or not) are recognised by their magic bytes. */
export async function readIdxFile(path: string): Promise<IdxArray> {
  const bytes = new Uint8Array(await readFile(path));
  return parseIdx(isGzip(bytes) ? gunzipOrThrow(gunzipSync, bytes, path) : bytes, path);
}
