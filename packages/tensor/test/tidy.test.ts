// Allocation scopes: what tidy frees, what it keeps, and that a training loop in it stops growing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  add, engine, matmul, mean, mul, noGrad, openAllocationScope, reshape, setBackend, sigmoid, square, sub, tanh, tensor, tidy,
  Tensor, zeros, keep, defineBackend, jsBackend, type Backend, type DType, type TypedArray,
} from '../src/index.js';

/** Storage that knows when it was freed: reading it afterwards throws, as the wasm backend's does. */
class Cell {
  freed = false;
  constructor(readonly values: TypedArray) {}
}

const live = new Set<Cell>();
const freeing: Backend = defineBackend<Cell>({
  name: 'freeing',
  kernels: {},
  fallback: jsBackend,
  upload(values: TypedArray): Cell {
    const cell = new Cell(values);
    live.add(cell);
    return cell;
  },
  download(cell: Cell, _dtype: DType, _size: number): TypedArray {
    if (cell.freed) throw new Error('read after free');
    return cell.values;
  },
  dispose(cell: Cell): void {
    if (cell.freed) throw new Error('freed twice');
    cell.freed = true;
    live.delete(cell);
  },
});

// Every op falls back to the 'js' kernels; their results move onto this backend (allocations).
beforeAll(() => engine.setBackend(freeing));
afterAll(() => setBackend('js'));

describe('tidy', () => {
  it('frees the intermediates and keeps the result', () => {
    const x = tensor([1, 2, 3]);
    let intermediate: Tensor | undefined;
    const before = live.size;
    const y = tidy(() => {
      intermediate = mul(x, 2);
      return add(square(intermediate), 1);
    });
    expect(Array.from(y.values)).toEqual([5, 17, 37]);
    expect(live.size).toBe(before + 1);
    expect(() => intermediate!.values).toThrow(/disposed/);
    expect(Array.from(x.values)).toEqual([1, 2, 3]);
  });

  it('keeps tensors found in arrays, objects and Maps it returns', () => {
    const x = tensor([1, 2]);
    const out = tidy(() => ({ list: [mul(x, 3)], nested: { map: new Map([['a', add(x, 1)]]) }, n: 4 }));
    expect(Array.from(out.list[0].values)).toEqual([3, 6]);
    expect(Array.from(out.nested.map.get('a')!.values)).toEqual([2, 3]);
  });

  it('never frees storage assigned into a tensor from outside, nor views of outside tensors', () => {
    const param = tensor([1, 1, 1, 1]);
    tidy(() => {
      noGrad(() => param.assign(sub(param, mul(tensor([1, 2, 3, 4]), 0.5))));
      reshape(param, [2, 2]);
    });
    expect(Array.from(param.values)).toEqual([0.5, 0, -0.5, -1]);
  });

  it('hands a kept result to the enclosing scope, which frees it unless it keeps it too', () => {
    const x = tensor([2]);
    let inner: Tensor | undefined;
    const outer = tidy(() => {
      inner = tidy(() => mul(x, 5));
      return add(inner, 1);
    });
    expect(outer.values[0]).toBe(11);
    expect(() => inner!.values).toThrow(/disposed/);
  });

  it('frees nothing when the function throws, and refuses async functions', () => {
    const x = tensor([3]);
    let made: Tensor | undefined;
    expect(() =>
      tidy(() => {
        made = mul(x, 2);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(made!.values[0]).toBe(6);
    expect(() => tidy(() => Promise.resolve(1))).toThrow(/synchronous/);
    expect(engine.allocationScopes).toHaveLength(0);
  });

  it('never releases what keep() took out of it (a parameter built inside a scope)', () => {
    let param: Tensor | undefined;
    const result = tidy(() => {
      param = keep(mul(tensor([1, 2]), 3));
      return add(param, 1);
    });
    expect(Array.from(param!.values)).toEqual([3, 6]);
    expect(Array.from(result.values)).toEqual([4, 7]);
  });

  it('releases adopted tensors unless it keeps them, and never the ones it spares', () => {
    const outside = [tensor([1]), tensor([2]), tensor([3])];
    const spared = outside[2];
    const scope = openAllocationScope();
    scope.adopt(outside, [spared]);
    expect(scope.close([outside[1]])).toBe(1);
    expect(() => outside[0].values).toThrow(/disposed/);
    expect(outside[1].values[0]).toBe(2);
    expect(spared.values[0]).toBe(3);
  });

  it('does not track what is allocated while its scope is paused', () => {
    const scope = openAllocationScope();
    const tracked = tensor([1]);
    scope.paused = true;
    const meanwhile = tensor([2]);
    scope.paused = false;
    expect(scope.close()).toBe(1);
    expect(() => tracked.values).toThrow(/disposed/);
    expect(meanwhile.values[0]).toBe(2);
  });

  it('a training loop in tidy holds a constant number of storages; without it they pile up until GC', () => {
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = tensor([[0], [1], [1], [0]]);
    const w1 = tensor([[0.5, -0.4, 0.3], [-0.2, 0.6, -0.7]]).requireGrad();
    const b1 = zeros([3]).requireGrad();
    const w2 = tensor([[0.4], [-0.5], [0.6]]).requireGrad();
    const params = [w1, b1, w2];
    const step = (): number => {
      const loss = mean(square(sub(sigmoid(matmul(tanh(add(matmul(x, w1), b1)), w2)), y)));
      loss.backward();
      noGrad(() => {
        for (const p of params) {
          p.assign(sub(p, mul(p.grad!, 0.5)));
          p.zeroGrad();
        }
      });
      return loss.item();
    };
    const liveAfter = (steps: number, scoped: boolean): number => {
      for (let i = 0; i < steps; i++) {
        if (scoped) tidy(step);
        else step();
      }
      return live.size;
    };
    const warm = liveAfter(5, true);
    // In tidy nothing is left: assign gives each parameter's previous storage back too.
    expect(liveAfter(100, true) - warm).toBe(0);
    const before = live.size;
    expect(liveAfter(100, false) - before).toBeGreaterThan(20 * 100);
    expect(step()).toBeLessThan(0.25);
  });
});

describe('replace', () => {
  const cellOf = (values: number[]): Tensor => Tensor.fromValues(Float32Array.from(values), [values.length], 'float32', freeing);
  const handleOf = (t: Tensor): Cell => t.handle as Cell;

  it('moves the storage in and empties the source, whose reads then say where it went', () => {
    const p = cellOf([1, 2]);
    p.name = 'dense_1/kernel';
    const v = cellOf([3, 4]);
    const moved = handleOf(v);
    p.replace(v);
    expect(handleOf(p)).toBe(moved);
    expect(Array.from(p.values)).toEqual([3, 4]);
    expect(() => v.values).toThrow("this tensor's storage was moved into dense_1/kernel (replace)");
    expect(p.replace(p)).toBe(p);
    expect(Array.from(p.values)).toEqual([3, 4]);
  });

  it('frees the previous storage at once when no other tensor holds it and its values were never handed out', () => {
    const p = cellOf([1, 2]);
    const initial = handleOf(p);
    const first = cellOf([3, 4]);
    const firstCell = handleOf(first);
    p.replace(first);
    // p was the only tensor over its initial storage
    expect(initial.freed).toBe(true);
    p.replace(cellOf([5, 6]));
    expect(firstCell.freed).toBe(true);
    expect(Array.from(p.values)).toEqual([5, 6]);
  });

  it('keeps a previous storage that a view shares or whose values were read', () => {
    const p = cellOf([1, 2]);
    p.replace(cellOf([3, 4]));
    const view = p.detach();
    const viewed = handleOf(p);
    p.replace(cellOf([5, 6]));
    expect(viewed.freed).toBe(false);
    expect(Array.from(view.values)).toEqual([3, 4]);

    p.replace(cellOf([7, 8]));
    const read = p.values;
    const readCell = handleOf(p);
    p.replace(cellOf([9, 10]));
    expect(readCell.freed).toBe(false);
    expect(Array.from(read)).toEqual([7, 8]);
  });
});
