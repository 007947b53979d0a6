// One writer per model directory: a lock file inside it, naming the process that holds it.
import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, readFileSync, rmdirSync, unlinkSync } from 'node:fs';
import { link, readlink, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSourceError } from '@keel/data';
import { errorCode, fsError, readRegularFile } from '@keel/data/node';
import { makeDirectory } from './make-directory.js';
import { LOCK_FILE } from './names.js';

/** A lock file is one line of JSON; anything longer is not one Keel wrote (and is not read whole). */
const MAX_LOCK_BYTES = 4096;

/** Who holds a model directory's lock (the JSON in `<dir>/.keel-lock`). */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** What is writing ('keel train', or the script's name). */
  readonly command: string;
  /** When it took the lock (ISO 8601). */
  readonly started: string;
  /** Tells one taking of the lock from another. */
  readonly token: string;
  /** Set when the lock file is not one Keel wrote (empty, garbage, a FIFO): what is wrong with it. */
  readonly damaged?: string;
}

/** Saving to a directory another process is writing. */
export class ModelDirectoryLockedError extends Error {
  readonly dir: string;
  readonly holder: LockHolder;

  constructor(dir: string, holder: LockHolder) {
    super(
      holder.damaged === undefined
        ? `${dir} is being written by ${describeHolder(holder)}; wait for it to finish or save somewhere else (${staleLockHint(dir, holder)})`
        : `${dir} is locked by a damaged lock file: ${holder.damaged}; ${staleLockHint(dir, holder)}`,
    );
    this.name = 'ModelDirectoryLockedError';
    this.dir = dir;
    this.holder = holder;
  }
}

/** "keel train (pid 123, started 2025-01-02T03:04:05.000Z)", with the host when it is another one. */
export function describeHolder(holder: LockHolder): string {
  const host = holder.hostname === hostname() ? '' : ` on ${holder.hostname}`;
  return `${holder.command} (pid ${holder.pid}${host}, started ${holder.started})`;
}

/**
 * What to do when the holder cannot be checked from here: "if no such process is running, delete
 * <dir>/.keel-lock", with why it may not be (another host, a pid reused, a damaged lock file).
 */
export function staleLockHint(dir: string, holder: LockHolder): string {
  const lockPath = join(dir, LOCK_FILE);
  if (holder.damaged !== undefined) return `if no keel process is writing ${dir}, remove ${lockPath}`;
  if (holder.hostname !== hostname()) return `it cannot be checked from this host; if no keel process on ${holder.hostname} is writing ${dir}, delete ${lockPath}`;
  return `if no such process is running (or pid ${holder.pid} is now another program), delete ${lockPath}`;
}

/** A held lock on a model directory. */
export interface ModelDirectoryLock {
  /** The directory (absolute). */
  readonly dir: string;
  /** What taking it did that people should know (a stale lock taken over). */
  readonly notices: readonly string[];
  /** Gives the lock up (and removes the directory if taking the lock created it and it is still empty). */
  release(): Promise<void>;
  /** The same, synchronously (for a process 'exit' handler). */
  releaseSync(): void;
}

export interface LockOptions {
  /** Recorded in the lock for others' messages (default: the script's file name). */
  readonly command?: string;
}

/** The largest process id there can be (pid_t is a signed 32-bit integer; process.kill refuses larger ones). */
const MAX_PID = 2 ** 31 - 1;

/** The fields Keel writes, each of its type; the pid is checked on its own (isProcessId). */
function isHolder(value: unknown): value is LockHolder {
  const v = value as Partial<LockHolder> | null;
  return typeof v === 'object' && v !== null && 'pid' in v && typeof v.hostname === 'string' && typeof v.command === 'string' && typeof v.started === 'string' && typeof v.token === 'string';
}

/** Whether `pid` can name a process: a whole number from 1 (0 and -1 mean process groups to kill(), never a holder). */
function isProcessId(pid: unknown): boolean {
  return Number.isInteger(pid) && (pid as number) >= 1 && (pid as number) <= MAX_PID;
}

function damagedHolder(why: string, token: string): LockHolder {
  return { pid: 0, hostname: hostname(), command: 'an unknown process', started: 'at an unknown time', token, damaged: why };
}

/**
 * The holder recorded in `path`; undefined if the file is gone. Only a small regular file is read
 * (a FIFO or /dev/zero put there fails at once); one Keel did not write is a holder with `damaged`.
 */
export async function readHolder(path: string): Promise<LockHolder | undefined> {
  let text: string;
  try {
    text = new TextDecoder().decode(await readRegularFile(path, { what: 'lock file', maxBytes: MAX_LOCK_BYTES, advice: 'Keel writes it as a small file of JSON' }));
  } catch (error) {
    if (!(error instanceof DataSourceError)) throw error;
    if (error.code !== 'missing-file') return damagedHolder(error.message, `unreadable:${error.message}`);
    // Gone, unless a symbolic link to nothing is there: that never goes away by itself.
    const link = await readlink(path).catch(() => undefined);
    return link === undefined ? undefined : damagedHolder(`${path} is a symbolic link to ${link}, which does not exist`, `dangling:${link}`);
  }
  if (text.trim() === '') return damagedHolder(`${path} is empty`, text);
  try {
    const parsed: unknown = JSON.parse(text);
    if (isHolder(parsed)) {
      if (isProcessId(parsed.pid)) return parsed;
      // Such a lock would be taken for one a live process holds (kill(-1, 0) succeeds), and never go away.
      return damagedHolder(`${path} names pid ${JSON.stringify(parsed.pid)}, which is not a process id (a whole number from 1 to ${MAX_PID})`, text);
    }
  } catch {
    // not JSON: below
  }
  return damagedHolder(`${path} does not hold the JSON Keel writes (pid, hostname, command, started, token)`, text);
}

/** Whether the holder may still be running: yes unless it ran on this host and its pid is gone. */
export function holderAlive(holder: LockHolder): boolean {
  // Another host's processes cannot be seen from here; an unreadable lock is not one Keel wrote.
  if (holder.hostname !== hostname() || holder.pid <= 0 || holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
}

/**
 * Takes the lock of the model directory `dir` (created if needed), or throws
 * ModelDirectoryLockedError naming the process that holds it. A lock left by a process that is no
 * longer running on this host is taken over (said in `notices`). The lock file is complete the
 * moment it appears: it is written under a temporary name and hard-linked into place, which fails
 * if a lock is there.
 */
export async function lockModelDirectory(dir: string, options: LockOptions = {}): Promise<ModelDirectoryLock> {
  const target = resolve(dir);
  const lockPath = join(target, LOCK_FILE);
  const created = (await makeDirectory(target)) !== undefined; // its errors name the path at fault
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    command: options.command ?? (process.argv[1] === undefined ? 'node' : (process.argv[1].split(/[/\\]/).pop() ?? 'node')),
    started: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
  const notices: string[] = [];
  const temp = join(target, `${LOCK_FILE}.${holder.token}`);
  const removeCreated = async (): Promise<void> => {
    if (created) await rmdir(target).catch(() => undefined); // only if still empty
  };
  try {
    await writeFile(temp, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
  } catch (error) {
    await removeCreated();
    throw fsError('write in the model directory', target, error);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temp, lockPath);
        break;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw fsError('create the lock file', lockPath, error);
      }
      const current = await readHolder(lockPath);
      if (current === undefined) {
        if (attempt < 10) continue; // released just now: try again
        throw new ModelDirectoryLockedError(target, damagedHolder(`${lockPath} is there and gone again on every try`, 'flapping'));
      }
      if (holderAlive(current) || attempt >= 3) throw new ModelDirectoryLockedError(target, current);
      await takeOver(target, lockPath, current);
      notices.push(`took over the lock on ${target} from ${describeHolder(current)}, which is no longer running`);
    }
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    await removeCreated();
    throw error;
  }
  await unlink(temp).catch(() => undefined);

  const ours = (text: string): boolean => {
    try {
      return (JSON.parse(text) as LockHolder).token === holder.token;
    } catch {
      return false;
    }
  };
  let released = false;
  return {
    dir: target,
    notices,
    async release() {
      if (released) return;
      released = true;
      const current = await readHolder(lockPath).catch(() => undefined);
      if (current?.token === holder.token) await unlink(lockPath).catch(() => undefined);
      await removeCreated();
    },
    releaseSync() {
      if (released) return;
      released = true;
      try {
        if (lstatSync(lockPath).isFile() && ours(readFileSync(lockPath, 'utf8'))) unlinkSync(lockPath); // never read a FIFO put there
        if (created) rmdirSync(target);
      } catch {
        // exiting anyway: a lock left behind is stale and will be taken over
      }
    },
  };
}

/**
 * Removes a stale lock, unless it changed since it was judged stale: it is first renamed to a
 * name of our own, so only one process can take it; if what was renamed is not the stale lock (a
 * live process took the lock in between), it is put back.
 */
async function takeOver(dir: string, lockPath: string, stale: LockHolder): Promise<void> {
  const aside = join(dir, `${LOCK_FILE}.stale-${randomBytes(6).toString('hex')}`);
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return; // someone else took it over first
    throw fsError('take over the stale lock', lockPath, error);
  }
  const moved = await readHolder(aside);
  if (moved !== undefined && moved.token !== stale.token) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // a third process holds the lock now; the one we moved is theirs to lose (a rare race, reported below)
    }
    await unlink(aside).catch(() => undefined);
    throw new ModelDirectoryLockedError(dir, moved);
  }
  await unlink(aside).catch(() => undefined);
}
