import { engine, setBackend } from '@keel/tensor';
import { runConformance } from '@keel/testkit';
import { testBackend } from '@keel/testkit/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeOps } from '../src/index.js';
import { addonCalls, install, skipReason, titled } from './helpers.js';

// the public backend harness: the contract (ownership rule, definition, await t.data()) and every
// conformance case, values within float32 tolerance of 'js', gradients vs 'js' and finite differences
testBackend('native', { install, ...(skipReason === undefined ? {} : { skip: skipReason }) });

beforeAll(() => install());

describe.skipIf(skipReason !== undefined)(titled("runConformance('native')"), () => {
  it('includes the fused hot-path cases (dense, cross-entropies, allFinite), which run the C kernels', () => {
    const fused = ['dense relu', 'dense sigmoid', 'dense tanh [2,3,4]', 'dense linear, no bias', 'sparseSoftmaxCrossEntropy', 'sparseSoftmaxCrossEntropy extremes', 'softmaxCrossEntropy soft targets [2,3,4]', 'allFinite'];
    const { result, calls } = addonCalls(() => runConformance('native').filter((r) => fused.includes(r.case)));
    expect(result.map((r) => r.case).sort()).toEqual([...fused].sort());
    expect(result.filter((r) => !r.ok).map((r) => r.message)).toEqual([]);
    for (const fn of ['biasActivation', 'activationGrad', 'crossEntropy', 'crossEntropyGrad', 'allFinite']) expect(calls[fn], fn).toBeGreaterThan(0);
  });

  it('passes with other seeds too', () => {
    for (const seed of [2, 3, 17]) {
      const failed = runConformance('native', { seed }).filter((r) => !r.ok);
      expect(failed.map((r) => r.message), `seed ${seed}`).toEqual([]);
    }
  });

  it("runs the ops it has in C, and the rest ('concat', 'pad', 'sliceGrad') on the 'js' fallback, which shares its arrays", () => {
    setBackend('native');
    try {
      for (const op of ['matmul', 'add', 'mul', 'maximum', 'relu', 'step', 'affine', 'sum', 'softmax', 'logSoftmax', 'exp', 'tanh', 'oneHot', 'broadcastTo', 'where', 'argmax', 'gather', 'im2col', 'maxPool',
        'biasActivation', 'activationGrad', 'sparseSoftmaxCrossEntropy', 'sparseSoftmaxCrossEntropyGrad', 'softmaxCrossEntropy', 'softmaxCrossEntropyGrad', 'allFinite']) {
        expect(nativeOps, op).toContain(op);
        expect(engine.kernel(op).backend, op).toBe('native');
      }
      for (const op of ['concat', 'pad', 'sliceGrad']) {
        expect(nativeOps, op).not.toContain(op);
        expect(engine.kernel(op).backend, op).toBe('js');
      }
      expect(nativeOps.length).toBeGreaterThan(50);
    } finally {
      setBackend('js');
    }
  });
});
