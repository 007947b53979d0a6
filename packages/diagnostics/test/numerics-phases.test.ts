// The doctor explains every kind of NumericsError the guard throws by what went non-finite: an
// update that overflowed a parameter is not called a gradient problem.
import { ArrayDataset } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import type { GradientTransformation, Params } from '@keel/optimizers';
import { mul, type Tensor } from '@keel/tensor';
import { fit, NumericsError } from '@keel/train';
import { describe, expect, it } from 'vitest';
import { diagnose, doctor, explain } from '../src/index.js';
import { find, freshRegistry } from './helpers.js';

describe('the doctor and the guard\'s phases', () => {
  it('a parameter made non-finite by the update is reported as such, not as its gradient', async () => {
    const registry = freshRegistry();
    const model = new Sequential([new Dense({ units: 4, activation: 'tanh' }), new Dense({ units: 1 })], { inputShape: [2], seed: 1, registry });
    const scale = (grads: Params, k: number): Record<string, Tensor> => Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, mul(g, k)]));
    const overflowing: GradientTransformation<null> = { init: () => null, update: (grads) => ({ updates: scale(grads, -1e300), state: null }) };
    const data = new ArrayDataset(Float32Array.from([0, 1, 1, 0, 1, 1, 0, 0]), [2], Float32Array.from([1, 1, 0, 0]), [1]);
    const doc = doctor();
    const outcome = await diagnose(() => fit(model, data, { loss: 'meanSquaredError', optimizer: overflowing, batchSize: 4, registry, callbacks: [doc] }), doc);
    expect(outcome.error).toBeInstanceOf(NumericsError);
    expect((outcome.error as NumericsError).phase).toBe('update');
    const nan = find(outcome.findings, 'nan-produced');
    expect(explain(nan)).toMatch(/^dense_1\/kernel \(after the optimizer update\) became non-finite at step 0/);
    expect(explain(nan)).not.toContain('the gradient of');
  });
});
