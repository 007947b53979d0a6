import { gunzipSync } from 'node:zlib';
import { stringArgument } from '../arguments.js';
import { MAX_IDX_FILE_BYTES, type IdxArray } from '../idx/dtype.js';
import { cappedGunzipSync, gunzipOrThrow, isGzip } from '../idx/gzip.js';
import { parseIdx } from '../idx/parse.js';
import { readRegularFile } from './read-regular-file.js';

/** Reads and parses an IDX file; gzipped files (`.gz` or not) are recognised by their magic bytes. */
export async function readIdxFile(path: string): Promise<IdxArray> {
  stringArgument('readIdxFile(path)', path, 'a file path string');
  return parseIdx(await readIdxBytes(path), path);
}

/**
 * The bytes of an IDX file, decompressed when gzipped. Only a regular file is read, and neither it
 * nor its decompressed content may be larger than an IDX file can be; errors name `path`.
 */
export async function readIdxBytes(path: string): Promise<Uint8Array> {
  const bytes = await readRegularFile(path, { maxBytes: MAX_IDX_FILE_BYTES, what: 'IDX file' });
  return isGzip(bytes) ? gunzipOrThrow(cappedGunzipSync(gunzipSync), bytes, path) : bytes;
}
