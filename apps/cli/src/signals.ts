// Ctrl-C (SIGINT) and SIGTERM (a kill, a container stopping), by phase of a training run. Both
// stop the same way. Before training: quit, saying nothing was saved. During training: the first
// one stops cleanly after the current batch, a second quits at once. After training (the final
// save): the save finishes, unless a second one quits; saves are atomic, so quitting leaves the
// model directory as it was. Every way out says what state things are in, and exits with the
// conventional code: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM).
import { EXIT } from './errors.js';
import type { Output } from './output.js';

/** The signals that stop a run cleanly. */
export type StopSignal = 'SIGINT' | 'SIGTERM';
const STOP_SIGNALS: readonly StopSignal[] = ['SIGINT', 'SIGTERM'];

/** The exit code after each signal. */
export const SIGNAL_EXIT: Readonly<Record<StopSignal, number>> = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated };

/** 'interrupted' (Ctrl-C) or 'terminated (SIGTERM)': what happened to the run, in its messages. */
export function stoppedWord(signal: StopSignal): string {
  return signal === 'SIGINT' ? 'interrupted' : 'terminated (SIGTERM)';
}

export interface Interrupt {
  readonly signal: AbortSignal;
  /** Training starts: from now on the first signal stops training after the current batch. `out`: where epochs are saved. */
  arm(out?: string): void;
  /** Training is over and the final save to `out` (if any) runs: a signal lets it finish. */
  finishing(out?: string): void;
  /** Whether a signal came while finishing (the run then ends with its exit code after the save). */
  readonly interruptedWhileFinishing: boolean;
  /** The last signal that came (undefined if none): the run's messages name it. */
  readonly stoppedBy: StopSignal | undefined;
  /** The exit code for a run that a signal stopped: 130 after Ctrl-C, 143 after SIGTERM. */
  readonly exitCode: number;
  dispose(): void;
}

/** What the handler touches, for tests: the process's signal events, and how to quit. */
export interface InterruptHost {
  on(event: StopSignal, listener: () => void): unknown;
  off(event: StopSignal, listener: () => void): unknown;
  exit(code: number): void;
}

export function onInterrupt(out: Output, host: InterruptHost = process): Interrupt {
  const controller = new AbortController();
  let phase: 'setup' | 'training' | 'finishing' = 'setup';
  let dir: string | undefined;
  let interruptedWhileFinishing = false;
  let stoppedBy: StopSignal | undefined;
  const say = (text: string): void => {
    out.io.stderr.write(`${out.interactive ? '\n' : ''}keel: ${text}\n`);
  };
  const handler = (signal: StopSignal): void => {
    stoppedBy = signal;
    const quit = (text: string): void => {
      say(text);
      host.exit(SIGNAL_EXIT[signal]);
    };
    const word = stoppedWord(signal);
    // Ctrl-C's messages as they always were; another signal is named.
    const named = signal === 'SIGINT' ? '' : `${signal}: `;
    const again = signal === 'SIGINT' ? 'Ctrl-C again' : `${signal} again, or Ctrl-C,`;
    if (phase === 'setup') return quit(`${word} before training started; nothing was saved`);
    if (phase === 'training') {
      if (controller.signal.aborted) return quit(`quit at once${dir === undefined ? '' : `; ${dir} holds the last epoch saved before (saves are all or nothing)`}`);
      controller.abort();
      if (!out.json) say(`${named}stopping after this batch (${again} to quit at once)`);
      return;
    }
    if (dir === undefined) return quit(`${word} after training; nothing to save (no --out)`);
    if (interruptedWhileFinishing) return quit(`quit before the save finished; ${dir} holds the model it had before (saves are all or nothing)`);
    interruptedWhileFinishing = true;
    say(`${named}finishing the save to ${dir} (${again} to quit; ${dir} then keeps the model it had before)`);
  };
  const listeners = STOP_SIGNALS.map((signal) => [signal, () => handler(signal)] as const);
  for (const [signal, listener] of listeners) host.on(signal, listener);
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
    get stoppedBy() {
      return stoppedBy;
    },
    get exitCode() {
      return SIGNAL_EXIT[stoppedBy ?? 'SIGINT'];
    },
    dispose() {
      for (const [signal, listener] of listeners) host.off(signal, listener);
    },
  };
}
