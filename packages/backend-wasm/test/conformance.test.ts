import { defaultRegistry } from '@keel/registry';
import { engine, setBackend } from '@keel/tensor';
import { runConformance } from '@keel/testkit';
import { testBackend } from '@keel/testkit/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { installWasmBackend, wasmOps } from '../src/index.js';

const install = (): void => void installWasmBackend(defaultRegistry);

// the public backend harness: the contract (ownership rule, definition, await t.data()) and every
// conformance case, values within float32 tolerance of 'js', gradients vs 'js' and finite differences
testBackend('wasm', { install });

beforeAll(install);

describe("runConformance('wasm')", () => {
  it('passes with other seeds too', () => {
    for (const seed of [2, 3, 17]) {
      const failed = runConformance('wasm', { seed }).filter((r) => !r.ok);
      expect(failed.map((r) => r.message), `seed ${seed}`).toEqual([]);
    }
  });

  it('includes the fused hot-path cases (dense, cross-entropy, allFinite, axpby), now on wasm kernels', () => {
    const names = runConformance('wasm', { only: /^(dense|sparseSoftmaxCrossEntropy|softmaxCrossEntropy|allFinite|axpby)/ }).map((r) => r.case);
    expect(names).toEqual(expect.arrayContaining(['dense relu', 'dense sigmoid', 'dense tanh [2,3,4]', 'sparseSoftmaxCrossEntropy', 'softmaxCrossEntropy soft targets [2,3,4]', 'allFinite', 'axpby', 'axpby a=1 (an update)']));
  });

  it('runs its own kernels for the hot ops and falls back to js for the rest', () => {
    setBackend('wasm');
    try {
      const own = ['matmul', 'add', 'mul', 'relu', 'step', 'affine', 'sum', 'softmax', 'logSoftmax', 'exp', 'tanh', 'sigmoid', 'oneHot', 'broadcastTo'];
      const fused = ['biasActivation', 'activationGrad', 'sparseSoftmaxCrossEntropy', 'sparseSoftmaxCrossEntropyGrad', 'softmaxCrossEntropy', 'softmaxCrossEntropyGrad', 'allFinite', 'axpby'];
      for (const op of [...own, ...fused, 'im2col', 'col2im', 'maxPool', 'maxPoolGrad', 'avgPool', 'avgPoolGrad']) {
        expect(engine.kernel(op).backend, op).toBe('wasm');
      }
      for (const op of ['gather', 'prod', 'argmax', 'where']) {
        expect(engine.kernel(op).backend, op).toBe('js');
      }
      expect(wasmOps.length).toBeGreaterThan(40);
    } finally {
      setBackend('js');
    }
  });
});
