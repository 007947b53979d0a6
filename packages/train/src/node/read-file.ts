// Reading a model's files safely: only regular files, of a sane size, with errors that name the path.
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ModelFileError } from '../save/errors.js';
import { errorCode, fsReason } from './fs-errors.js';

/** model.json is text of at most this many bytes (a model's config is kilobytes). */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
/** A weights, optimizer or bundle file: Node reads at most 2 GiB into one buffer. */
export const MAX_TENSOR_FILE_BYTES = 2 ** 31 - 1;

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'a special file';
}

function bytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB (${n.toLocaleString('en-US')} bytes)` : `${n.toLocaleString('en-US')} bytes`;
}

/**
 * Reads the whole of `path`, a file of a saved model (`what`: 'model.json', 'weights file' ...),
 * but only if it is a regular file of 1 to `maxBytes` bytes: a FIFO would block forever, a device
 * such as /dev/zero never ends, and a directory or a file over 2 GiB fails in Node with a message
 * that names no path. Every problem is a ModelFileError naming `path`. A missing file is
 * `undefined` when `optional`.
 */
export async function readModelFile(path: string, what: string, maxBytes: number, options: { optional?: boolean } = {}): Promise<Uint8Array | undefined> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; regular files ignore it.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' && options.optional === true) return undefined;
    throw new ModelFileError(`cannot read the ${what}: ${fsReason(error)}`, path);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ModelFileError(`the ${what} is ${kindOf(info)}, not a regular file; a saved model's files are regular files`, path);
    if (info.size === 0) throw new ModelFileError(`the ${what} is empty (0 bytes): it was truncated, or its save did not finish; save the model again`, path);
    if (info.size > maxBytes) throw new ModelFileError(`the ${what} is ${bytes(info.size)}, more than the ${bytes(maxBytes)} it can be; this is not a file Keel wrote`, path);
    const data = new Uint8Array(info.size);
    let filled = 0;
    while (filled < data.length) {
      const { bytesRead } = await handle.read(data, filled, data.length - filled, filled);
      if (bytesRead === 0) throw new ModelFileError(`the ${what} shrank from ${bytes(info.size)} to ${bytes(filled)} while it was read; is something writing it?`, path);
      filled += bytesRead;
    }
    return data;
  } catch (error) {
    if (error instanceof ModelFileError) throw error;
    throw new ModelFileError(`cannot read the ${what}: ${fsReason(error)}`, path);
  } finally {
    await handle.close();
  }
}
