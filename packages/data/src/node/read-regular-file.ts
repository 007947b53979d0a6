import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { DataSourceError } from '../errors.js';

/**
 * Reads a whole file, but only a regular one of at most `maxBytes`: a FIFO would block forever,
 * /dev/zero would fill memory, and a directory or a file over 2 GiB fails in Node with a message
 * that names no path. Every failure here names `path` and says what it is. `what` names the file's
 * role in messages ('IDX file', 'image').
 */
export async function readRegularFile(path: string, options: { maxBytes: number; what: string }): Promise<Uint8Array> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; regular files ignore it
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new DataSourceError('not-a-file', `cannot read ${options.what} ${path}: ${reason(error)}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new DataSourceError('not-a-file', `${path} is ${kindOf(info)}, not a regular file; give the path of ${article(options.what)}`);
    if (info.size > options.maxBytes) {
      throw new DataSourceError('not-a-file', `${path} is ${info.size.toLocaleString('en-US')} bytes, more than the ${options.maxBytes.toLocaleString('en-US')} ${article(options.what)} may have`);
    }
    try {
      return new Uint8Array(await handle.readFile());
    } catch (error) {
      throw new DataSourceError('not-a-file', `cannot read ${options.what} ${path}: ${reason(error)}`);
    }
  } finally {
    await handle.close();
  }
}

function kindOf(info: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'a special file';
}

function article(what: string): string {
  return `${/^[aeiouAEIOU]/.test(what) ? 'an' : 'a'} ${what}`;
}

/** The errno code in words ("permission denied"), else the message. */
function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'it is a directory', ELOOP: 'too many symbolic links' };
  return (code !== undefined ? words[code] : undefined) ?? (error instanceof Error ? error.message : String(error));
}
