// Ctrl-C and SIGTERM in each phase of a training run, driven in-process: a fake process delivers the signals.
import { describe, expect, it } from 'vitest';
import { Output } from '../src/output.js';
import { onInterrupt, type InterruptHost, type StopSignal } from '../src/signals.js';

type FakeHost = InterruptHost & { sigint(): void; sigterm(): void; exits: number[]; listeners: number };

function setUp(json = false): { host: FakeHost; stderr: string[]; out: Output } {
  const stderr: string[] = [];
  const listeners = new Map<StopSignal, Set<() => void>>();
  const exits: number[] = [];
  const deliver = (signal: StopSignal): void => [...(listeners.get(signal) ?? [])].forEach((listener) => listener());
  const host = {
    on: (event: StopSignal, listener: () => void) => listeners.set(event, (listeners.get(event) ?? new Set()).add(listener)),
    off: (event: StopSignal, listener: () => void) => listeners.get(event)?.delete(listener),
    exit: (code: number) => void exits.push(code),
    sigint: () => deliver('SIGINT'),
    sigterm: () => deliver('SIGTERM'),
    exits,
    get listeners() {
      return [...listeners.values()].reduce((n, set) => n + set.size, 0);
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

describe('SIGTERM during keel train: as Ctrl-C, named, exit code 143', () => {
  it('before training: one line saying nothing was saved, exit code 143', () => {
    const { host, stderr, out } = setUp();
    const interrupt = onInterrupt(out, host);
    host.sigterm();
    expect(stderr).toEqual(['keel: terminated (SIGTERM) before training started; nothing was saved\n']);
    expect(host.exits).toEqual([143]);
    expect(interrupt.stoppedBy).toBe('SIGTERM');
  });

  it('during training: the first stops after the batch (exit code 143 for the run), a second quits at once', () => {
    const { host, stderr, out } = setUp();
    const interrupt = onInterrupt(out, host);
    interrupt.arm('/models/m');
    host.sigterm();
    expect(interrupt.signal.aborted).toBe(true);
    expect(interrupt.exitCode).toBe(143);
    expect(host.exits).toEqual([]);
    host.sigterm();
    expect(stderr).toEqual([
      'keel: SIGTERM: stopping after this batch (SIGTERM again, or Ctrl-C, to quit at once)\n',
      'keel: quit at once; /models/m holds the last epoch saved before (saves are all or nothing)\n',
    ]);
    expect(host.exits).toEqual([143]);
  });

  it('a Ctrl-C after SIGTERM quits at once with 130; the exit code is the last signal\'s', () => {
    const { host, out } = setUp();
    const interrupt = onInterrupt(out, host);
    interrupt.arm('/models/m');
    host.sigterm();
    host.sigint();
    expect(host.exits).toEqual([130]);
    expect(interrupt.exitCode).toBe(130);
  });

  it('during the final save: the save finishes; without --out it quits at once; dispose removes both listeners', () => {
    const { host, stderr, out } = setUp();
    const interrupt = onInterrupt(out, host);
    interrupt.arm('/models/m');
    interrupt.finishing('/models/m');
    host.sigterm();
    expect(interrupt.interruptedWhileFinishing).toBe(true);
    expect(stderr).toEqual(['keel: SIGTERM: finishing the save to /models/m (SIGTERM again, or Ctrl-C, to quit; /models/m then keeps the model it had before)\n']);
    expect(host.exits).toEqual([]);
    interrupt.dispose();
    expect(host.listeners).toBe(0);
    const other = setUp();
    const nowhere = onInterrupt(other.out, other.host);
    nowhere.arm();
    nowhere.finishing();
    other.host.sigterm();
    expect(other.stderr).toEqual(['keel: terminated (SIGTERM) after training; nothing to save (no --out)\n']);
    expect(other.host.exits).toEqual([143]);
  });
});
