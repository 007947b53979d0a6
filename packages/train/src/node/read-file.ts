// Reading a model's files safely: @keel/data's regular-file reader, with a saved model's size caps.
// What a file holds is decodeSafetensors' (or the model.json reader's) to check.
import { DataSourceError } from '@keel/data';
import { readRegularFile, readRegularFileIfExists, type ReadRegularFileOptions } from '@keel/data/node';
import { ModelFileError } from '../save/errors.js';

/** model.json is text of at most this many bytes (a model's config is kilobytes). */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** A weights, optimizer or bundle file: Node reads at most 2 GiB into one buffer. */
export const MAX_TENSOR_FILE_BYTES = 2 ** 31 - 1;

/**
 * Reads the whole of `path`, a file of a saved model (`what`: 'model.json', 'weights file' ...),
 * but only if it is a regular file of 1 to `maxBytes` bytes (see @keel/data's readRegularFile).
 * Every problem is a ModelFileError naming `path`. A missing file is `undefined` when `optional`.
 */
export async function readModelFile(path: string, what: string, maxBytes: number, options: { optional?: boolean } = {}): Promise<Uint8Array | undefined> {
  const read: ReadRegularFileOptions = { maxBytes, what, nonEmpty: true, advice: "a saved model's files are regular files" };
  let data: Uint8Array | undefined;
  try {
    data = options.optional === true ? await readRegularFileIfExists(path, read) : await readRegularFile(path, read);
  } catch (error) {
    if (error instanceof DataSourceError) throw new ModelFileError(error.message, undefined, { cause: error });
    throw error;
  }
  return data;
}
