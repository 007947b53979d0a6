// The ownership rule (src/storage.ts): values handed out by `.values` stay what they were, whatever
// scope, `replace` or pool comes later — on the 'js' backend and on a backend that reuses memory.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  defineBackend, engine, jsBackend, matmul, mul, noGrad, openAllocationScope, setBackend, tensor, tidy, Tensor, type Backend, type DType, type TypedArray,
} from '../src/index.js';

/**
 * Storage on a free list, like the 'native' backend's pool: a disposed array is handed out again
 * (overwritten) by the next upload of its length. Reads return the array itself, no copy.
 */
function recyclingBackend(): Backend & { readonly reused: () => number } {
  const free = new Map<number, TypedArray[]>();
  let reused = 0;
  return defineBackend<TypedArray, Backend<TypedArray> & { readonly reused: () => number }>({
    name: 'recycling',
    kernels: {},
    fallback: jsBackend,
    upload(values: TypedArray): TypedArray {
      const waiting = free.get(values.length)?.pop();
      if (waiting === undefined) return values.slice();
      reused++;
      waiting.set(values);
      return waiting;
    },
    download(array: TypedArray, _dtype: DType, _size: number): TypedArray {
      return array;
    },
    dispose(array: TypedArray): void {
      let list = free.get(array.length);
      if (list === undefined) free.set(array.length, (list = []));
      list.push(array);
    },
    reused: () => reused,
  });
}

afterEach(() => setBackend('js'));
afterAll(() => setBackend('js'));

const square2x2 = (a: number, b: number, c: number, d: number): Tensor => tensor([[a, b], [c, d]]);

/** The issue's snippet on the current backend: a product's values read in one scope, read again after the next scope. */
function issueSnippet(): number[] {
  let kept: TypedArray | undefined;
  tidy(() => {
    kept = matmul(square2x2(1, 2, 3, 4), square2x2(1, 2, 3, 4)).values;
  });
  tidy(() => {
    matmul(square2x2(9, 9, 9, 9), square2x2(9, 9, 9, 9));
  });
  return Array.from(kept!);
}

describe('values read inside a scope', () => {
  it("survive the next scope on 'js' (the issue's snippet: [7,10,15,22])", () => {
    setBackend('js');
    expect(issueSnippet()).toEqual([7, 10, 15, 22]);
  });

  it('survive the next scope on a backend that reuses freed memory', () => {
    const backend = recyclingBackend();
    engine.setBackend(backend);
    expect(issueSnippet()).toEqual([7, 10, 15, 22]);
    // the scopes did free and reuse memory: only the storage whose values were handed out was spared
    expect(backend.reused()).toBeGreaterThan(0);
  });

  it('survive every later scope, replace and dispose', () => {
    engine.setBackend(recyclingBackend());
    const param = tensor([1, 2, 3, 4]);
    const reads: { values: TypedArray; expected: number[] }[] = [];
    for (let step = 0; step < 5; step++) {
      const scope = openAllocationScope();
      const update = mul(param, 2);
      reads.push({ values: update.values, expected: Array.from(update.values) });
      noGrad(() => param.replace(update));
      reads.push({ values: param.values, expected: Array.from(param.values) });
      const nested = tidy(() => mul(param, -1));
      reads.push({ values: nested.values, expected: Array.from(nested.values) });
      scope.close();
      tidy(() => {
        for (let i = 0; i < 4; i++) mul(tensor([9, 9, 9, 9]), 9);
      });
      nested.dispose();
    }
    for (const { values, expected } of reads) expect(Array.from(values)).toEqual(expected);
    expect(Array.from(param.values)).toEqual([32, 64, 96, 128]);
  });
});

describe('await t.data(): the one host read a device-memory backend implements asynchronously', () => {
  /** A backend whose values the host can only read by waiting (as a GPU's): no synchronous download. */
  function deviceBackend() {
    const freed: Float32Array[] = [];
    let pending: (() => void) | undefined;
    const backend = defineBackend<Float32Array>({
      name: 'device',
      kernels: {},
      fallback: jsBackend,
      upload: (values) => Float32Array.from(values),
      downloadAsync: (data) =>
        new Promise((resolve) => {
          pending = () => resolve(data.slice());
        }),
      dispose: (data) => void freed.push(data),
      readsCopy: true,
    });
    return { backend, freed, arrive: () => pending?.() };
  }

  it('reads a copy asynchronously, holding the storage until it arrives; synchronous reads say to await', async () => {
    const { backend, freed, arrive } = deviceBackend();
    const t = Tensor.fromValues(Float32Array.from([1, 2, 3]), [3], 'float32', backend);
    expect(() => t.values).toThrow("backend 'device' reads values asynchronously only: use await t.data()");
    expect(() => t.toArray()).toThrow(/use await t.data\(\)/);
    const reading = t.data();
    t.dispose();
    expect(freed, 'the pending read still holds the storage').toEqual([]);
    arrive();
    expect(Array.from(await reading)).toEqual([1, 2, 3]);
    expect(freed).toHaveLength(1);
  });

  it("is the synchronous read's copy on backends that read synchronously", async () => {
    const t = tensor([4, 5]);
    const copy = await t.data();
    expect(Array.from(copy)).toEqual([4, 5]);
    expect(copy).not.toBe(t.values);
  });
});
