// What loading or saving a model directory cleaned up after an interrupted save, printed for people.
import { recoverModelDirectory } from '@keel/train/node';
import type { Context } from './common.js';

/** Prints a notice as one `keel: ...` line on stderr (in --json mode too: stdout stays JSON). */
export function printNotice(context: Pick<Context, 'io'>, message: string): void {
  context.io.stderr.write(`keel: ${message}\n`);
}

/**
 * Cleans up what an interrupted save left at and beside the model directory `dir` (or restores the
 * previous model an earlier Keel set aside) and says what it did. A problem reading `dir` is left
 * for loading it to report.
 */
export async function recoverModel(dir: string, context: Pick<Context, 'io'>): Promise<void> {
  const notices = await recoverModelDirectory(dir).catch(() => []);
  for (const notice of notices) printNotice(context, notice);
}
