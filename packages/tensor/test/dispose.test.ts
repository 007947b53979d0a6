// A tensor used after dispose() fails on 'js' as on 'native' and 'wasm' (attack pass 3, D20): code
// that passed on the default backend must not break only on the faster ones. The ownership rule
// (src/storage.ts) gives this: dispose() drops the tensor's storage reference on every backend.
import { describe, expect, it } from 'vitest';
import { add, getBackend, reshape, tensor, TensorError, Tensor } from '../src/index.js';

describe("dispose() on the 'js' backend", () => {
  it('makes every later read of the tensor an error saying it was disposed', () => {
    expect(getBackend()).toBe('js');
    const x = tensor([[1, 2]]);
    x.dispose();
    const message = "values: this tensor was disposed (dispose(), or the allocation scope it was made in closed); its values are gone";
    expect(() => x.values).toThrow(new TensorError('values', "this tensor was disposed (dispose(), or the allocation scope it was made in closed); its values are gone"));
    expect(() => x.toArray()).toThrow(message);
    const one = tensor([7]);
    one.dispose();
    expect(() => one.item()).toThrow(message);
    // an op names where it read the tensor ('backend'), with the same reason
    const gone = 'this tensor was disposed (dispose(), or the allocation scope it was made in closed)';
    expect(() => add(x, x)).toThrow(gone);
    expect(() => reshape(x, [2]).values).toThrow(gone);
    // shape and dtype stay readable (messages use them), and a second dispose is harmless
    expect(x.shape).toEqual([1, 2]);
    x.dispose();
  });

  it('leaves other tensors, views made before, and replace-emptied tensors as they were', () => {
    const x = tensor([3, 4]);
    const view = reshape(x, [2, 1]);
    const other = tensor([5]);
    x.dispose();
    expect(Array.from(view.values)).toEqual([3, 4]);
    expect(other.item()).toBe(5);
    const p = tensor([0, 0]);
    const moved = tensor([1, 1]);
    p.replace(moved);
    moved.dispose();
    expect(() => moved.values).toThrow(/storage was moved into/);
    expect(Array.from(p.values)).toEqual([1, 1]);
    expect(Tensor.fromValues(Float32Array.of(1), [1], 'float32').item()).toBe(1);
  });
});
