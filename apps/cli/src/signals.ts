// Ctrl-C: the first one stops training cleanly after the current batch; a second one quits at once.
import { EXIT } from './errors.js';
import type { Output } from './output.js';

export interface Interrupt {
  readonly signal: AbortSignal;
  /** From now on the first Ctrl-C stops training gracefully (before, it quits at once). */
  arm(): void;
  dispose(): void;
}

export function onInterrupt(out: Output): Interrupt {
  const controller = new AbortController();
  let armed = false;
  const handler = (): void => {
    if (!armed || controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
    if (!out.json) out.io.stderr.write(`${out.interactive ? '\n' : ''}keel: stopping after this batch (Ctrl-C again to quit at once)\n`);
  };
  process.on('SIGINT', handler);
  return {
    signal: controller.signal,
    arm() {
      armed = true;
    },
    dispose() {
      process.off('SIGINT', handler);
    },
  };
}
