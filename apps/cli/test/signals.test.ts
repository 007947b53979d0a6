// Ctrl-C in each phase of a training run, driven in-process: a fake process delivers SIGINT.
import { describe, expect, it } from 'vitest';
import { Output } from '../src/output.js';
import { onInterrupt, type InterruptHost } from '../src/signals.js';

function setUp(json = false): { host: InterruptHost & { sigint(): void; exits: number[]; listeners: number }; stderr: string[]; out: Output } {
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  const exits: number[] = [];
  const host = {
    on: (_event: 'SIGINT', listener: () => void) => listeners.add(listener),
    off: (_event: 'SIGINT', listener: () => void) => listeners.delete(listener),
    exit: (code: number) => void exits.push(code),
    sigint: () => listeners.forEach((listener) => listener()),
    exits,
    get listeners() {
      return listeners.size;
    },
  };
  const out = new Output({ stdout: { write: () => true }, stderr: { write: (text: string) => stderr.push(text) }, cwd: '/', env: {} }, { json });
  return { host, stderr, out };
}

describe('Ctrl-C during keel train', () => {
  it('before training: one line saying nothing was saved, exit code 130', () => {
    const { host, stderr, out } = setUp();
    onInterrupt(out, host);
    host.sigint();
    expect(stderr).toEqual(['keel: interrupted before training started; nothing was saved\n']);
    expect(host.exits).toEqual([130]);
  });

  it('during training: the first stops after the batch, the second quits at once, saying what --out holds', () => {
    const { host, stderr, out } = setUp();
    const interrupt = onInterrupt(out, host);
    interrupt.arm('/models/m');
    host.sigint();
    expect(interrupt.signal.aborted).toBe(true);
    expect(host.exits).toEqual([]);
    host.sigint();
    expect(stderr).toEqual([
      'keel: stopping after this batch (Ctrl-C again to quit at once)\n',
      'keel: quit at once; /models/m holds the last epoch saved before (saves are all or nothing)\n',
    ]);
    expect(host.exits).toEqual([130]);
  });

  it('during the final save: the save finishes (the run then exits 130); a second Ctrl-C quits saying the model there is the previous one', () => {
    const { host, stderr, out } = setUp(true);
    const interrupt = onInterrupt(out, host);
    interrupt.arm('/models/m');
    interrupt.finishing('/models/m');
    host.sigint();
    expect(interrupt.interruptedWhileFinishing).toBe(true);
    expect(host.exits).toEqual([]);
    host.sigint();
    expect(stderr).toEqual([
      'keel: finishing the save to /models/m (Ctrl-C again to quit; /models/m then keeps the model it had before)\n',
      'keel: quit before the save finished; /models/m holds the model it had before (saves are all or nothing)\n',
    ]);
    expect(host.exits).toEqual([130]);
    interrupt.dispose();
    expect(host.listeners).toBe(0);
  });

  it('after training with nothing to save: quits at once, saying so', () => {
    const { host, stderr, out } = setUp();
    const interrupt = onInterrupt(out, host);
    interrupt.arm();
    interrupt.finishing();
    host.sigint();
    expect(stderr).toEqual(['keel: interrupted after training; nothing to save (no --out)\n']);
    expect(host.exits).toEqual([130]);
  });
});
