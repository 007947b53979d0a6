// Reading a model's files safely: only regular files, of a sane size, with errors that name the path.
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ModelFileError } from '../save/errors.js';
import { MAX_HEADER_BYTES } from '../save/safetensors.js';
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
export async function readModelFile(path: string, what: string, maxBytes: number, options: { optional?: boolean; safetensors?: boolean } = {}): Promise<Uint8Array | undefined> {
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
    if (options.safetensors === true) await checkSafetensorsSize(handle, info.size, what, path);
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

/**
 * A safetensors file longer than its header says (data appended, or not a safetensors file that
 * happens to parse) is refused before its body is read. Anything else wrong with the header is
 * left to decodeSafetensors, which reads the whole (size-checked) file and says exactly what.
 */
async function checkSafetensorsSize(handle: FileHandle, size: number, what: string, path: string): Promise<void> {
  if (size < 8) return;
  const length = new DataView((await handle.read(new Uint8Array(8), 0, 8, 0)).buffer.buffer).getBigUint64(0, true);
  if (length > BigInt(Math.min(MAX_HEADER_BYTES, size - 8))) return;
  const header = new Uint8Array(Number(length));
  await handle.read(header, 0, header.length, 8);
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
  const available = size - 8 - header.length;
  if (available > covered) {
    throw new ModelFileError(
      `the ${what} has ${available} bytes of tensor data, but its header accounts for only ${covered} (${available - covered} trailing bytes): it is damaged or was not written by Keel; save the model again`,
      path,
    );
  }
}
