import { bytesArgument } from '../arguments.js';
import { MAX_IDX_FILE_BYTES } from './dtype.js';
import { IdxFormatError } from './error.js';

/** Gzip streams start with 1f 8b; IDX files start with 00 00, so the two never clash. */
export function isGzip(bytes: Uint8Array): boolean {
  bytesArgument('isGzip(bytes)', bytes);
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

type GunzipSync = (bytes: Uint8Array) => Uint8Array;
type ZlibGunzipSync = (bytes: Uint8Array, options: { maxOutputLength: number }) => Uint8Array;

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * node:zlib's gunzipSync when running in Node, else undefined. It is looked up at run time
 * (process.getBuiltinModule) rather than imported, so bundlers never pull node:zlib into a browser build.
 */
export function builtinGunzipSync(): GunzipSync | undefined {
  const proc = (globalThis as { process?: ProcessWithBuiltins }).process;
  const zlib = proc?.getBuiltinModule?.('node:zlib') as { gunzipSync?: ZlibGunzipSync } | undefined;
  return typeof zlib?.gunzipSync === 'function' ? cappedGunzipSync(zlib.gunzipSync) : undefined;
}

/**
 * zlib's gunzipSync, stopped at MAX_IDX_FILE_BYTES of output: a few kilobytes of gzip can
 * inflate to gigabytes, and nothing larger can be an IDX file.
 */
export function cappedGunzipSync(gunzipSync: ZlibGunzipSync, maxBytes = MAX_IDX_FILE_BYTES): GunzipSync {
  return (bytes) => {
    try {
      return gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(bytes, maxBytes);
      throw error;
    }
  };
}

function tooLarge(bytes: Uint8Array, maxBytes: number, source?: string): IdxFormatError {
  return new IdxFormatError(
    'bad-gzip',
    `decompresses to more than ${maxBytes.toLocaleString('en-US')} bytes (from ${bytes.length.toLocaleString('en-US')} compressed), more than an IDX file can hold here`,
    source,
  );
}

/** Runs a decompressor, turning zlib's terse failures into an IdxFormatError that names the file. */
export function gunzipOrThrow(gunzip: GunzipSync, bytes: Uint8Array, source?: string): Uint8Array {
  try {
    return new Uint8Array(gunzip(bytes));
  } catch (error) {
    throw badGzip(error, bytes, source);
  }
}

/** Decompresses with the web-standard DecompressionStream (browsers, Node >= 18, Deno, Bun), stopping at `maxBytes` of output. */
export async function gunzipStream(bytes: Uint8Array, source?: string, maxBytes = MAX_IDX_FILE_BYTES): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const input = new Blob([new Uint8Array(bytes)]).stream();
    const reader = input.pipeThrough(new DecompressionStream('gzip')).getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      total += next.value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooLarge(bytes, maxBytes, source);
      }
      chunks.push(next.value);
    }
  } catch (error) {
    throw badGzip(error, bytes, source);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Decompresses asynchronously with whatever the platform has, preferring DecompressionStream. */
export async function gunzip(bytes: Uint8Array | ArrayBuffer, source?: string): Promise<Uint8Array> {
  bytes = bytesArgument('gunzip(bytes)', bytes);
  if (typeof DecompressionStream === 'function') return gunzipStream(bytes, source);
  const sync = builtinGunzipSync();
  if (sync !== undefined) return gunzipOrThrow(sync, bytes, source);
  throw new IdxFormatError('bad-gzip', 'the data is gzip-compressed and this platform has neither DecompressionStream nor node:zlib', source);
}

function badGzip(error: unknown, bytes: Uint8Array, source?: string): IdxFormatError {
  if (error instanceof IdxFormatError) return error.source === undefined && source !== undefined ? new IdxFormatError(error.code, error.message, source) : error;
  const reason = error instanceof Error ? error.message : String(error);
  return new IdxFormatError(
    'bad-gzip',
    `starts with the gzip magic 1f 8b but does not decompress (${bytes.length} compressed bytes): ${reason}`,
    source,
  );
}
