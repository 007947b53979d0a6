// Where `keel train` writes, checked before training so no problem surfaces after an epoch:
// --out (checked and locked, and held until the run ends, so no two runs write it at once) and
// --plot (also for lr-find).
import { constants } from 'node:fs';
import { access, open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { readRegularFile } from '@keel/data/node';
import { describeHolder, inspectModelJson, laterGenerations, lockModelDirectory, ModelDirectoryLockedError, notAModelDirectory, staleLockHint, type ModelDirectoryLock } from '@keel/train/node';
import type { Flags } from '../args.js';
import type { Context } from '../common.js';
import { CliError, oneLine } from '../errors.js';
import { printNotice, recoverModel } from '../model-recovery.js';

export interface ClaimedOutput {
  /** The model directory (absolute). */
  readonly dir: string;
  /** Held for the run: every save passes it. */
  readonly lock: ModelDirectoryLock;
  /** Prints what a save did besides saving. */
  readonly onNotice: (message: string) => void;
  release(): Promise<void>;
}

/** " (task mnist, 3 epochs)": what the model in `dir` is, as far as its model.json says. */
async function describeSaved(dir: string): Promise<string> {
  try {
    const bytes = await readRegularFile(join(dir, 'model.json'), { what: 'model.json', maxBytes: 64 * 1024 * 1024 }); // never a FIFO
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { preprocessing?: { task?: unknown }; training?: { epoch?: unknown } };
    const parts = [
      ...(typeof doc.preprocessing?.task === 'string' ? [`task ${doc.preprocessing.task}`] : []),
      ...(typeof doc.training?.epoch === 'number' ? [`${doc.training.epoch} epoch${doc.training.epoch === 1 ? '' : 's'}`] : []),
    ];
    return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
  } catch {
    return '';
  }
}

/**
 * The directory the run saves to (--out, else the --resume one), made ready before training:
 * what interrupted saves left is cleaned up (and said), it must be a directory (created if
 * needed) that this user can write, not someone else's files, and not a saved model unless
 * --overwrite is given or it is the model being resumed; and its lock is taken, so a second run
 * saving there fails at once, naming this one.
 */
export async function claimOutput(flags: Flags, context: Context): Promise<ClaimedOutput | undefined> {
  const resume = flags.string('resume');
  const given = flags.string('out') ?? resume;
  if (given === undefined) return undefined;
  const dir = resolve(given);
  await recoverModel(dir, context);
  const info = await stat(dir).catch(() => undefined);
  if (info !== undefined && !info.isDirectory()) {
    // (a file of a model was named already, by checkModelDirFlag)
    if (flags.string('out') === undefined) throw new CliError(`--resume ${dir} is a file, not a model directory; pass the directory 'keel train --out' saved the model in`);
    throw new CliError(`--out ${dir} exists and is not a directory; choose a directory for the model (it is created if needed)`);
  }

  let lock: ModelDirectoryLock;
  try {
    lock = await lockModelDirectory(dir, { command: 'keel train' });
  } catch (error) {
    if (error instanceof ModelDirectoryLockedError) {
      const { holder } = error;
      const message =
        holder.damaged === undefined
          ? `${dir} is being written by ${describeHolder(holder)}; wait for it or choose another --out (${staleLockHint(dir, holder)})`
          : `${dir} is locked by a damaged lock file: ${holder.damaged}; ${staleLockHint(dir, holder)}, or choose another --out`;
      throw new CliError(message, undefined, { cause: error });
    }
    throw new CliError(`--out: ${oneLine(error)}; choose another --out`, undefined, { cause: error });
  }
  // Ctrl-C before training (or an error) exits through process.exit: give the lock up then too.
  const releaseOnExit = (): void => lock.releaseSync();
  process.once('exit', releaseOnExit);
  const release = async (): Promise<void> => {
    process.off('exit', releaseOnExit);
    await lock.release();
  };
  try {
    for (const notice of lock.notices) printNotice(context, notice);
    const entries = await readdir(dir);
    const foreign = notAModelDirectory(entries);
    if (foreign !== undefined) throw new CliError(`--out ${dir}: ${foreign}; choose another --out`);
    const resuming = resume !== undefined && (await sameDirectory(resume, dir));
    if (entries.includes('model.json') && !resuming && !flags.boolean('overwrite')) {
      throw new CliError(`--out ${dir} already holds a model${await describeSaved(dir)}; pass --overwrite to replace it, or choose another --out`);
    }
    // Tensor files without model.json may be the only copy of a model (its model.json removed): a save would replace them.
    const tensors = entries.filter((name) => /^(weights|optimizer)(\.[1-9][0-9]*)?\.safetensors$/.test(name)).sort();
    if (!entries.includes('model.json') && tensors.length > 0 && !flags.boolean('overwrite')) {
      throw new CliError(`--out ${dir} has no model.json but holds ${tensors.join(', ')} (a save that did not finish, or its model.json was removed); pass --overwrite to replace them, or choose another --out`);
    }
    // Files of a later save than model.json names (an older model.json put back, or a save cut short): this run's first save would remove them.
    const named = entries.includes('model.json') && !flags.boolean('overwrite') ? await inspectModelJson(dir) : undefined;
    const later = named?.state === 'valid' ? laterGenerations(entries, named.newest).filter((name) => name.endsWith('.safetensors')) : [];
    if (named?.state === 'valid' && later.length > 0) {
      throw new CliError(
        `--out ${dir} holds ${later.join(', ')}, from a later save than its model.json names (${[...named.files].sort().join(', ')}): model.json may be an older copy put back, or a save was cut short. This run's first save would remove them: move them away to keep them, or pass --overwrite to let it`,
      );
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { dir, lock, onNotice: (message) => printNotice(context, message), release };
}

/** Whether `path` is inside `dir` (or is `dir`). */
function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Whether two paths name one directory: spelled differently (m/, ./m, ../x/m) or through a
 * symbolic link (--out a link to the --resume directory), they are the same model.
 */
export async function sameDirectory(a: string, b: string): Promise<boolean> {
  return (await realPath(resolve(a))) === (await realPath(resolve(b)));
}

/** A path with symbolic links resolved (as far as it exists), so a link into a model is seen for what it is. */
async function realPath(path: string): Promise<string> {
  const real = await realpath(path).catch(() => undefined);
  if (real !== undefined) return real;
  const parent = dirname(path);
  return parent === path ? path : join(await realPath(parent), basename(path));
}

/** The first bytes of the SVGs `keel train --plot` and `keel lr-find --plot` write. */
const KEEL_PLOT = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^\n]*>\n<title>keel (train|lr-find)[ :]/;

/** Whether the regular file `path` is a plot Keel wrote (only its first bytes are read). */
async function isKeelPlot(path: string): Promise<boolean> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return KEEL_PLOT.test(head.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

/** preprocessing.dataDir of the model in `dir`, if it has one (the data a resumed run reads). */
async function savedDataDir(dir: string): Promise<string | undefined> {
  try {
    const text = new TextDecoder().decode(await readRegularFile(join(dir, 'model.json'), { maxBytes: 1 << 20, what: 'model.json' }));
    const dataDir = (JSON.parse(text) as { preprocessing?: { dataDir?: unknown } }).preprocessing?.dataDir;
    return typeof dataDir === 'string' ? dataDir : undefined;
  } catch {
    return undefined; // opening the model to resume reports what is wrong with it
  }
}

/**
 * --plot (train and lr-find), checked before any training so no file is lost or fails to be
 * written after it: never inside the model directory the run saves to, a directory holding a
 * Keel model (model.json) or the run's data directory (those files would be overwritten or mixed
 * with a plot); an existing file only when it is a plot Keel wrote, or with --overwrite; and a
 * path that can become a file (not a directory, not through a file, in a directory this user
 * can write).
 */
export async function checkPlotPath(flags: Flags, cwd: string = process.cwd()): Promise<void> {
  const given = flags.string('plot');
  if (given === undefined) return;
  const path = resolve(cwd, given);
  const real = await realPath(path);
  const resume = flags.string('resume');
  const modelDir = flags.string('out') ?? resume;
  if (modelDir !== undefined && isInside(real, await realPath(resolve(cwd, modelDir)))) {
    throw new CliError(`--plot ${path} is inside the model directory ${resolve(cwd, modelDir)} the run saves to; write the plot outside it`);
  }
  if ((await stat(join(dirname(real), 'model.json')).catch(() => undefined)) !== undefined) {
    throw new CliError(`--plot ${path} is in ${dirname(real)}, a Keel model directory (it has model.json); write the plot outside it`);
  }
  const data = flags.string('data') ?? (resume === undefined ? undefined : await savedDataDir(resolve(cwd, resume)));
  if (data !== undefined && isInside(real, await realPath(resolve(cwd, data)))) {
    throw new CliError(`--plot ${path} is inside the data directory ${resolve(cwd, data)}; write the plot outside it`);
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory() === true) {
    throw new CliError(`--plot ${path} is a directory; give a file name such as ${join(path, 'curves.svg')}`);
  }
  if (existing !== undefined && !existing.isFile()) throw new CliError(`--plot ${path} exists and is not a regular file (a device, a FIFO or a socket); choose another --plot`);
  if (existing !== undefined && !flags.boolean('overwrite') && !(await isKeelPlot(path))) {
    throw new CliError(`--plot ${path} exists and is not a plot Keel wrote; pass --overwrite to replace it, or choose another --plot`);
  }
  let dir = dirname(path);
  for (;;) {
    const info = await stat(dir).catch(() => undefined);
    if (info !== undefined) {
      if (!info.isDirectory()) throw new CliError(`--plot ${path}: ${dir} is a file, not a directory; choose another --plot`);
      await access(dir, constants.W_OK).catch(() => {
        throw new CliError(`--plot ${path}: cannot write in ${dir}: permission denied; choose another --plot`);
      });
      return;
    }
    if (dirname(dir) === dir) return;
    dir = dirname(dir); // created when the plot is written
  }
}
