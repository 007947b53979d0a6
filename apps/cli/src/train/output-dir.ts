// Where `keel train` writes, checked before training so no problem surfaces after an epoch:
// --out (checked and locked, and held until the run ends, so no two runs write it at once) and --plot.
import { constants } from 'node:fs';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { describeHolder, lockModelDirectory, ModelDirectoryLockedError, notAModelDirectory, type ModelDirectoryLock } from '@keel/train/node';
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
    const doc = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { preprocessing?: { task?: unknown }; training?: { epoch?: unknown } };
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
  if (info !== undefined && !info.isDirectory()) throw new CliError(`--out ${dir} exists and is not a directory; choose a directory for the model (it is created if needed)`);

  let lock: ModelDirectoryLock;
  try {
    lock = await lockModelDirectory(dir, { command: 'keel train' });
  } catch (error) {
    if (error instanceof ModelDirectoryLockedError) throw new CliError(`${dir} is being written by ${describeHolder(error.holder)}; wait for it or choose another --out`, undefined, { cause: error });
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
    const resuming = resume !== undefined && resolve(resume) === dir;
    if (entries.includes('model.json') && !resuming && !flags.boolean('overwrite')) {
      throw new CliError(`--out ${dir} already holds a model${await describeSaved(dir)}; pass --overwrite to replace it, or choose another --out`);
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { dir, lock, onNotice: (message) => printNotice(context, message), release };
}

/**
 * --plot is written after training: a path that cannot become a file (a directory, a path
 * through a file, a directory this user cannot write) is refused before training starts.
 */
export async function checkPlotPath(flags: Flags): Promise<void> {
  const given = flags.string('plot');
  if (given === undefined) return;
  const path = resolve(given);
  if ((await stat(path).catch(() => undefined))?.isDirectory() === true) {
    throw new CliError(`--plot ${path} is a directory; give a file name such as ${join(path, 'curves.svg')}`);
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
