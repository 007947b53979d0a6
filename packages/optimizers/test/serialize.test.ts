import { add, mul, noGrad, sin, sub, tensor, type Tensor } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import {
  adamw, applyIfFinite, applyUpdates, chain, clipByGlobalNorm, deserializeState, reduceOnPlateau, serializeState, sgd, warmupCosineDecaySchedule,
  type OptState, type Params, type SerializedState,
} from '../src/index.js';

/** The bytes of a tensor's values: equal bytes means equal bit for bit (NaN payloads and −0 included). */
const bytesOf = (t: Tensor): number[] => Array.from(new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength));

/** A run as a trainer drives it: clipping, skipping bad steps, AdamW on a schedule, a plateau metric. */
const makeOptimizer = () =>
  chain(
    clipByGlobalNorm(2),
    applyIfFinite(adamw({ lr: warmupCosineDecaySchedule({ peak: 0.05, warmupSteps: 3, decaySteps: 20 }), weightDecay: 0.01 })),
    reduceOnPlateau({ patience: 1, factor: 0.5 }),
  );

const target = tensor([[0.5, -1], [2, 0.25]]);

/** Gradients that depend on the parameters and the step; step 4 is poisoned with NaN. */
function gradients(params: Params, step: number): Params {
  return noGrad(() => {
    if (step === 4) return { w: tensor([[NaN, 0], [0, 0]], undefined, { allowNonFinite: true }), b: tensor([0]) };
    return { w: add(sub(params.w, target), mul(sin(params.w), 0.3 * Math.cos(step))), b: mul(params.b, 2) };
  });
}

function freshParams(): Record<string, Tensor> {
  return { w: tensor([[1, 2], [-1, 0.5]]), b: tensor([0.75]) };
}

/** Runs steps from..to-1 in place; the metric is reported every third step. */
function run(params: Params, state: OptState, from: number, to: number): OptState {
  const optimizer = makeOptimizer();
  let current = state as ReturnType<typeof optimizer.init>;
  for (let step = from; step < to; step++) {
    const metric = step % 3 === 0 ? 1 / (step + 1) + (step === 6 ? 1 : 0) : undefined;
    const result = optimizer.update(gradients(params, step), current, params, metric === undefined ? undefined : { metric });
    current = result.state;
    applyUpdates(params, result.updates);
  }
  return current;
}

describe('serializeState / deserializeState', () => {
  it('turns state into JSON-able numbers and shapes and back, exactly', () => {
    const state: OptState = {
      count: 3,
      best: Infinity,
      zero: -0,
      moments: { 'dense_1/kernel': tensor([[1.1, -2.2e-30], [NaN, -0]], undefined, { allowNonFinite: true }) },
      list: [null, true, 'text', tensor([1 / 3], undefined, { dtype: 'float64' })],
    };
    const saved = serializeState(state);
    type Saved = { count: number; best: number; zero: number; moments: Params; list: [null, boolean, string, Tensor] };
    const restored = deserializeState<Saved>(JSON.parse(JSON.stringify(saved)) as SerializedState);
    expect(restored.count).toBe(3);
    expect(restored.best).toBe(Infinity);
    expect(Object.is(restored.zero, -0)).toBe(true);
    const kernel = restored.moments['dense_1/kernel'];
    expect(kernel.shape).toEqual([2, 2]);
    expect(kernel.dtype).toBe('float32');
    expect(bytesOf(kernel)).toEqual(bytesOf((state.moments as Params)['dense_1/kernel']));
    expect(restored.list.slice(0, 3)).toEqual([null, true, 'text']);
    expect(restored.list[3].dtype).toBe('float64');
    expect(restored.list[3].item()).toBe(1 / 3);
    expect((saved.state as { moments: { 'dense_1/kernel': { $tensor: { values: unknown[] } } } }).moments['dense_1/kernel'].$tensor.values).toEqual([
      Math.fround(1.1),
      Math.fround(-2.2e-30),
      'NaN',
      '-0',
    ]);
  });

  it('refuses what is not state, and data that is not from serializeState', () => {
    expect(() => serializeState({ f: (() => 1) as unknown as OptState })).toThrow('serializeState: state.f holds a function');
    expect(() => deserializeState({ format: 'other' } as unknown as SerializedState)).toThrow('deserializeState: not data from serializeState');
  });

  it('resumes a run saved at step k exactly like the uninterrupted run, bit for bit', () => {
    const total = 12;
    const uninterrupted = freshParams();
    const finalState = run(uninterrupted, makeOptimizer().init(uninterrupted), 0, total);

    const first = freshParams();
    const stateAtK = run(first, makeOptimizer().init(first), 0, 5);
    // Save as a trainer would: parameters and optimizer state, through JSON text.
    const file = JSON.stringify({ params: serializeState(first), optimizer: serializeState(stateAtK) });
    const loaded = JSON.parse(file) as { params: SerializedState; optimizer: SerializedState };
    const resumed = deserializeState<Record<string, Tensor>>(loaded.params);
    const resumedState = run(resumed, deserializeState(loaded.optimizer), 5, total);

    expect(bytesOf(resumed.w)).toEqual(bytesOf(uninterrupted.w));
    expect(bytesOf(resumed.b)).toEqual(bytesOf(uninterrupted.b));
    expect(JSON.stringify(serializeState(resumedState))).toBe(JSON.stringify(serializeState(finalState)));
    // The run did skip the poisoned step and did reduce the rate on the plateau.
    const [clip, guarded, plateau] = finalState as [{ globalNorm: number }, { skipped: number }, { scale: number }];
    expect(guarded.skipped).toBe(1);
    expect(plateau.scale).toBeLessThan(1);
    expect(clip.globalNorm).toBeGreaterThan(0);
  });

  it('restores the state of a built-in optimizer to the shape init gives', () => {
    const optimizer = sgd({ lr: 0.1, momentum: 0.9 });
    const params = freshParams();
    const state = optimizer.init(params);
    const restored = deserializeState(JSON.parse(JSON.stringify(serializeState(state))) as SerializedState);
    expect(serializeState(restored)).toEqual(serializeState(state));
    expect(Object.keys((restored as [{ trace: Params }])[0].trace)).toEqual(['w', 'b']);
  });
});
