import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** The file-system calls an atomic directory write makes (tests wrap them to inject failures). */
export interface AtomicIo {
  readonly mkdir: (path: string) => Promise<unknown>;
  readonly mkdtemp: (prefix: string) => Promise<string>;
  /** Creates `path` (which must not exist), writes all of `data`, fsyncs and closes it. */
  readonly writeFileSynced: (path: string, data: Uint8Array) => Promise<void>;
  /** fsyncs a directory so the entries in it are durable (a no-op where the platform cannot). */
  readonly syncDirectory: (path: string) => Promise<void>;
  readonly rename: (from: string, to: string) => Promise<void>;
  readonly remove: (path: string) => Promise<void>;
  /** 'missing', 'directory' or 'other'. */
  readonly kind: (path: string) => Promise<'missing' | 'directory' | 'other'>;
  readonly readdir: (path: string) => Promise<string[]>;
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export const nodeIo: AtomicIo = {
  mkdir: (path) => fs.mkdir(path, { recursive: true }),
  mkdtemp: (prefix) => fs.mkdtemp(prefix),
  async writeFileSynced(path, data) {
    const handle = await fs.open(path, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async syncDirectory(path) {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'r');
    } catch (error) {
      if (['EISDIR', 'EPERM', 'EACCES'].includes(code(error) ?? '')) return; // Windows cannot open directories
      throw error;
    }
    try {
      await handle.sync();
    } catch (error) {
      if (!['EINVAL', 'EPERM', 'EBADF', 'ENOTSUP'].includes(code(error) ?? '')) throw error; // no directory fsync here
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => fs.rename(from, to),
  remove: (path) => fs.rm(path, { recursive: true, force: true }),
  async kind(path) {
    try {
      return (await fs.lstat(path)).isDirectory() ? 'directory' : 'other';
    } catch (error) {
      if (code(error) === 'ENOENT') return 'missing';
      throw error;
    }
  },
  readdir: (path) => fs.readdir(path),
};

/** Temporary and set-aside directories live next to the target, as hidden siblings. */
export function stagingPrefix(target: string): string {
  return join(dirname(target), `.${basename(target)}.saving-`);
}

export function asidePrefix(target: string): string {
  return join(dirname(target), `.${basename(target)}.old-`);
}

/**
 * Writes `files` as the directory `dir`, atomically: every file goes into a fresh temporary
 * directory beside `dir` (same file system) and is fsynced; then the temporary directory is
 * renamed into place. If `dir` exists it is first renamed aside, and deleted only after the new
 * one is in place (put back if that rename fails). A failure or crash at any point leaves either
 * the previous directory or the new one at `dir`, never a mix; a crash between the two renames
 * leaves the previous one beside it, as `.<name>.old-*` (loadModel points to it).
 *
 * `refuse(entries)` may return a reason not to replace an existing directory with these entries.
 * Not safe against two concurrent writes to the same `dir`.
 */
export async function writeDirectoryAtomic(
  dir: string,
  files: Readonly<Record<string, Uint8Array>>,
  options: { readonly io?: AtomicIo; readonly refuse?: (entries: readonly string[]) => string | undefined } = {},
): Promise<void> {
  const io = options.io ?? nodeIo;
  const target = resolve(dir);
  const parent = dirname(target);
  for (const name of Object.keys(files)) {
    if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) throw new Error(`cannot write a file named '${name}' into ${target}`);
  }
  await io.mkdir(parent);
  const existing = await io.kind(target);
  if (existing === 'other') throw new Error(`cannot save to ${target}: it exists and is not a directory`);
  if (existing === 'directory') {
    const reason = options.refuse?.(await io.readdir(target));
    if (reason !== undefined) throw new Error(`refusing to replace ${target}: ${reason}`);
  }

  const staging = await io.mkdtemp(stagingPrefix(target));
  try {
    for (const [name, data] of Object.entries(files)) await io.writeFileSynced(join(staging, name), data);
    await io.syncDirectory(staging);
  } catch (error) {
    await io.remove(staging).catch(() => undefined);
    throw error;
  }

  let aside: string | undefined;
  if (existing === 'directory') {
    aside = `${asidePrefix(target)}${randomBytes(6).toString('hex')}`;
    try {
      await io.rename(target, aside);
    } catch (error) {
      await io.remove(staging).catch(() => undefined);
      throw error;
    }
  }
  try {
    await io.rename(staging, target);
  } catch (error) {
    if (aside !== undefined) await io.rename(aside, target).catch(() => undefined);
    await io.remove(staging).catch(() => undefined);
    throw error;
  }
  await io.syncDirectory(parent);
  // The new directory is in place and durable; the old one is garbage now (failing to delete it is harmless).
  if (aside !== undefined) await io.remove(aside).catch(() => undefined);
}
