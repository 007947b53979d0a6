// Reading a model's files safely: @keel/data's regular-file reader, with a saved model's size caps
// and a check that a safetensors file holds no more than its header accounts for.
import { DataSourceError } from '@keel/data';
import { readRegularFile, readRegularFileIfExists, type ReadRegularFileOptions } from '@keel/data/node';
import { ModelFileError } from '../save/errors.js';
import { MAX_HEADER_BYTES } from '../save/safetensors.js';

/** model.json is text of at most this many bytes (a model's config is kilobytes). */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** A weights, optimizer or bundle file: Node reads at most 2 GiB into one buffer. */
export const MAX_TENSOR_FILE_BYTES = 2 ** 31 - 1;

/**
 * Reads the whole of `path`, a file of a saved model (`what`: 'model.json', 'weights file' ...),
 * but only if it is a regular file of 1 to `maxBytes` bytes (see @keel/data's readRegularFile).
 * Every problem is a ModelFileError naming `path`. A missing file is `undefined` when `optional`.
 */
export async function readModelFile(path: string, what: string, maxBytes: number, options: { optional?: boolean; safetensors?: boolean } = {}): Promise<Uint8Array | undefined> {
  const read: ReadRegularFileOptions = { maxBytes, what, nonEmpty: true, advice: "a saved model's files are regular files" };
  let data: Uint8Array | undefined;
  try {
    data = options.optional === true ? await readRegularFileIfExists(path, read) : await readRegularFile(path, read);
  } catch (error) {
    if (error instanceof DataSourceError) throw new ModelFileError(error.message, undefined, { cause: error });
    throw error;
  }
  if (data !== undefined && options.safetensors === true) checkSafetensorsSize(data, what, path);
  return data;
}

/**
 * A safetensors file longer than its header says (data appended, or not a safetensors file that
 * happens to parse) is refused. Anything else wrong with the header is left to
 * decodeSafetensors, which says exactly what.
 */
function checkSafetensorsSize(data: Uint8Array, what: string, path: string): void {
  if (data.length < 8) return;
  const length = new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(Math.min(MAX_HEADER_BYTES, data.length - 8))) return;
  const header = data.subarray(8, 8 + Number(length));
  let covered = 0;
  try {
    const entries = JSON.parse(new TextDecoder().decode(header)) as Record<string, { data_offsets?: unknown }>;
    for (const [name, entry] of Object.entries(entries)) {
      const offsets = entry.data_offsets;
      if (name !== '__metadata__' && Array.isArray(offsets) && typeof offsets[1] === 'number') covered = Math.max(covered, offsets[1]);
    }
  } catch {
    return;
  }
  const available = data.length - 8 - header.length;
  if (available > covered) {
    throw new ModelFileError(
      `the ${what} has ${available} bytes of tensor data, but its header accounts for only ${covered} (${available - covered} trailing bytes): it is damaged or was not written by Keel; save the model again`,
      path,
    );
  }
}
