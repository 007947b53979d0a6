import { IdxFormatError } from './error.js';

/** Gzip streams start with 1f 8b; IDX files start with 00 00, so the two never clash. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

type GunzipSync = (bytes: Uint8Array) => Uint8Array;

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * node:zlib's gunzipSync when running in Node, else undefined. It is looked up at run time
 * (process.getBuiltinModule) rather than imported, so bundlers never pull node:zlib into a browser build.
 */
export function builtinGunzipSync(): GunzipSync | undefined {
  const proc = (globalThis as { process?: ProcessWithBuiltins }).process;
  const zlib = proc?.getBuiltinModule?.('node:zlib') as { gunzipSync?: GunzipSync } | undefined;
  return typeof zlib?.gunzipSync === 'function' ? zlib.gunzipSync : undefined;
}

/** Runs a decompressor, turning zlib's terse failures into an IdxFormatError that names the file. */
export function gunzipOrThrow(gunzip: GunzipSync, bytes: Uint8Array, source?: string): Uint8Array {
  try {
    return new Uint8Array(gunzip(bytes));
  } catch (error) {
    throw badGzip(error, bytes, source);
  }
}

/** Decompresses with the web-standard DecompressionStream (browsers, Node >= 18, Deno, Bun). */
export async function gunzipStream(bytes: Uint8Array, source?: string): Promise<Uint8Array> {
  try {
    const input = new Blob([new Uint8Array(bytes)]).stream();
    const output = input.pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(output).arrayBuffer());
  } catch (error) {
    throw badGzip(error, bytes, source);
  }
}

/** Decompresses asynchronously with whatever the platform has, preferring DecompressionStream. */
export async function gunzip(bytes: Uint8Array, source?: string): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'function') return gunzipStream(bytes, source);
  const sync = builtinGunzipSync();
  if (sync !== undefined) return gunzipOrThrow(sync, bytes, source);
  throw new IdxFormatError('bad-gzip', 'the data is gzip-compressed and this platform has neither DecompressionStream nor node:zlib', source);
}

function badGzip(error: unknown, bytes: Uint8Array, source?: string): IdxFormatError {
  const reason = error instanceof Error ? error.message : String(error);
  return new IdxFormatError(
    'bad-gzip',
    `starts with the gzip magic 1f 8b but does not decompress (${bytes.length} compressed bytes): ${reason}`,
    source,
  );
}
