import { conformanceCases, engine, getBackend, runConformance, setBackend } from '@keel/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeOps, sharedOps } from '../src/index.js';
import { install, skipReason, titled } from './helpers.js';

beforeAll(() => install());

describe.skipIf(skipReason !== undefined)(titled("runConformance('native')"), () => {
  it('passes every case: values within float32 tolerance of js, gradients vs js and finite differences', () => {
    const results = runConformance('native');
    expect(results.length).toBe(conformanceCases.length);
    expect(results.filter((r) => !r.ok).map((r) => r.message)).toEqual([]);
    expect(getBackend()).toBe('js');
  });

  it('passes with other seeds too', () => {
    for (const seed of [2, 3, 17]) {
      const failed = runConformance('native', { seed }).filter((r) => !r.ok);
      expect(failed.map((r) => r.message), `seed ${seed}`).toEqual([]);
    }
  });

  it("runs every op of the 'js' backend under its own name: in C, or the 'js' code sharing its arrays", () => {
    setBackend('native');
    try {
      for (const op of ['matmul', 'add', 'mul', 'maximum', 'relu', 'step', 'affine', 'sum', 'softmax', 'logSoftmax', 'exp', 'tanh', 'oneHot', 'broadcastTo', 'where', 'argmax', 'gather', 'im2col', 'maxPool']) {
        expect(nativeOps, op).toContain(op);
        expect(engine.kernel(op).backend, op).toBe('native');
      }
      for (const op of ['concat', 'pad', 'sliceGrad']) {
        expect(sharedOps, op).toContain(op);
        expect(engine.kernel(op).backend, op).toBe('native');
      }
      expect(nativeOps.length).toBeGreaterThan(50);
    } finally {
      setBackend('js');
    }
  });
});
