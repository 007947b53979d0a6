import { tensor, zeros } from '@keel/tensor';
import { describe, expect, it } from 'vitest';
import { adam, checkState, OptStateError, sgd, type OptState } from '../src/index.js';

const params = { 'dense_1/kernel': zeros([2, 3]), 'dense_1/bias': zeros([3]) };

function stateError(state: unknown, reference: Parameters<typeof checkState>[1]): OptStateError {
  try {
    checkState(state, reference);
  } catch (error) {
    expect(error).toBeInstanceOf(OptStateError);
    return error as OptStateError;
  }
  throw new Error('checkState accepted the state');
}

describe('checkState', () => {
  it('accepts the state init makes, and one after a step', () => {
    const optimizer = adam({ lr: 0.1 });
    const state = optimizer.init(params);
    expect(() => checkState(state, optimizer.init(params))).not.toThrow();
    const grads = { 'dense_1/kernel': tensor([[1, 2, 3], [4, 5, 6]]), 'dense_1/bias': tensor([1, 1, 1]) };
    expect(() => checkState(optimizer.update(grads, state, params).state, optimizer.init(params))).not.toThrow();
  });

  it('names a missing parameter, a wrong shape, a wrong kind and a wrong length', () => {
    const init = sgd({ lr: 0.1, momentum: 0.9 }).init(params);
    const reference = init as unknown as [{ trace: Record<string, OptState> }, { count: number }];
    const missing = [{ trace: { 'dense_1/bias': zeros([3]) } }, { count: 0 }];
    expect(stateError(missing, init).message).toBe('state[0].trace has no entry for dense_1/kernel');
    const wider = [{ trace: { 'dense_1/kernel': zeros([2, 4]), 'dense_1/bias': zeros([3]) } }, { count: 0 }];
    expect(stateError(wider, init).message).toBe("state[0].trace['dense_1/kernel'] has shape [2, 4]; the model's parameter needs [2, 3]");
    expect(stateError([reference[0], { count: '1' }], init).message).toBe('state[1].count is a string; expected a number');
    expect(stateError([reference[0]], init).message).toBe('state has 1 entries; expected 2');
    expect(stateError(null, init).message).toBe('state is null; expected a list of 2');
    const extra = [{ trace: { ...reference[0].trace, 'dense_9/kernel': zeros([1]) } }, { count: 0 }];
    expect(stateError(extra, init).message).toBe('state[0].trace has an entry for dense_9/kernel, which this optimizer and model do not have');
  });
});
