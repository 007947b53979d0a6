// Ctrl-C, by phase of a training run. Before training: quit, saying nothing was saved. During
// training: the first one stops cleanly after the current batch, a second quits at once. After
// training (the final save): the save finishes, unless a second Ctrl-C quits; saves are atomic,
// so quitting leaves the model directory as it was. Every way out says what state things are in.
import { EXIT } from './errors.js';
import type { Output } from './output.js';

export interface Interrupt {
  readonly signal: AbortSignal;
  /** Training starts: from now on the first Ctrl-C stops training after the current batch. `out`: where epochs are saved. */
  arm(out?: string): void;
  /** Training is over and the final save to `out` (if any) runs: Ctrl-C lets it finish. */
  finishing(out?: string): void;
  /** Whether Ctrl-C came while finishing (the run then ends with exit code 130 after the save). */
  readonly interruptedWhileFinishing: boolean;
  dispose(): void;
}

/** What the handler touches, for tests: the process's signal events, and how to quit. */
export interface InterruptHost {
  on(event: 'SIGINT', listener: () => void): unknown;
  off(event: 'SIGINT', listener: () => void): unknown;
  exit(code: number): void;
}

export function onInterrupt(out: Output, host: InterruptHost = process): Interrupt {
  const controller = new AbortController();
  let phase: 'setup' | 'training' | 'finishing' = 'setup';
  let dir: string | undefined;
  let interruptedWhileFinishing = false;
  const say = (text: string): void => {
    out.io.stderr.write(`${out.interactive ? '\n' : ''}keel: ${text}\n`);
  };
  const quit = (text: string): void => {
    say(text);
    host.exit(EXIT.interrupted);
  };
  const handler = (): void => {
    if (phase === 'setup') return quit('interrupted before training started; nothing was saved');
    if (phase === 'training') {
      if (controller.signal.aborted) return quit(`quit at once${dir === undefined ? '' : `; ${dir} holds the last epoch saved before (saves are all or nothing)`}`);
      controller.abort();
      if (!out.json) say('stopping after this batch (Ctrl-C again to quit at once)');
      return;
    }
    if (dir === undefined) return quit('interrupted after training; nothing to save (no --out)');
    if (interruptedWhileFinishing) return quit(`quit before the save finished; ${dir} holds the model it had before (saves are all or nothing)`);
    interruptedWhileFinishing = true;
    say(`finishing the save to ${dir} (Ctrl-C again to quit; ${dir} then keeps the model it had before)`);
  };
  host.on('SIGINT', handler);
  return {
    signal: controller.signal,
    arm(outDir) {
      phase = 'training';
      dir = outDir;
    },
    finishing(outDir) {
      phase = 'finishing';
      dir = outDir;
    },
    get interruptedWhileFinishing() {
      return interruptedWhileFinishing;
    },
    dispose() {
      host.off('SIGINT', handler);
    },
  };
}
