// Reading a user's file safely: only a regular file, of a size it can have, with errors naming the path.
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DataSourceError } from '../errors.js';
import { errorCode, fsReason } from './fs-errors.js';

export interface ReadRegularFileOptions {
  /** The most bytes the file may have. */
  readonly maxBytes: number;
  /** The file's role in messages ('IDX file', 'weights file'). */
  readonly what: string;
  /** What to do about a path that is not a regular file (default: "give the path of an <what>"). */
  readonly advice?: string;
  /** An empty file is an error (default: allowed, for the parser to explain). */
  readonly nonEmpty?: boolean;
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'a special file';
}

function article(what: string): string {
  return `${/^[aeiouAEIOU]/.test(what) ? 'an' : 'a'} ${what}`;
}

/**
 * Reads the whole of `path`, but only a regular file of at most `maxBytes`: a FIFO would block
 * forever, /dev/zero would fill memory, and a directory or a file over 2 GiB fails in Node with a
 * message that names no path. Every failure is a DataSourceError ('not-a-file', or 'missing-file'
 * when there is no such file) that names `path` and says what it is.
 */
export async function readRegularFile(path: string, options: ReadRegularFileOptions): Promise<Uint8Array> {
  const { what } = options;
  const unreadable = (error: unknown): DataSourceError =>
    new DataSourceError(errorCode(error) === 'ENOENT' ? 'missing-file' : 'not-a-file', `cannot read ${what} ${path}: ${fsReason(error)}`);
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; regular files ignore it
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw unreadable(error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new DataSourceError('not-a-file', `${path} is ${kindOf(info)}, not a regular file; ${options.advice ?? `give the path of ${article(what)}`}`);
    if (info.size === 0 && options.nonEmpty === true) throw new DataSourceError('not-a-file', `${path} is empty (0 bytes): the ${what} was truncated, or its writing did not finish`);
    if (info.size > options.maxBytes) {
      throw new DataSourceError('not-a-file', `${path} is ${info.size.toLocaleString('en-US')} bytes, more than the ${options.maxBytes.toLocaleString('en-US')} ${article(what)} may have`);
    }
    try {
      return new Uint8Array(await handle.readFile());
    } catch (error) {
      throw unreadable(error);
    }
  } finally {
    await handle.close();
  }
}

/** `readRegularFile`, but a file that does not exist is `undefined`. */
export async function readRegularFileIfExists(path: string, options: ReadRegularFileOptions): Promise<Uint8Array | undefined> {
  try {
    return await readRegularFile(path, options);
  } catch (error) {
    if (error instanceof DataSourceError && error.code === 'missing-file') return undefined;
    throw error;
  }
}
