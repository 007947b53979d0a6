import { defaultRegistry, definePlugin, Registry } from '@keel/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import {
  backendUnavailableReason, bestBackend, engine, getBackend, listBackends, noGrad, setBackend, tensor,
  TensorError, useRegistry, defineBackend, jsBackend, type AnyKernel, type Tensor, type Backend, type DType, type KernelEntry, type StorageRecord, type TypedArray,
} from '../src/index.js';
import { refBinary, refMatmul, thrown } from './helpers.js';

/** The boxed backend's storage: a plain object owning a float64 copy of the values. */
class Box {
  constructor(readonly data: Float64Array) {}
}

let disposed = 0;
const boxed: Backend<Box> = defineBackend<Box>({
  name: 'boxed',
  // its kernels come from the registry (below), as a plugin's would
  kernels: {},
  fallback: jsBackend,
  upload(values: TypedArray): Box {
    return new Box(Float64Array.from(values));
  },
  download(data: Box, dtype: DType, size: number): TypedArray {
    if (!(data instanceof Box)) throw new Error('boxed: not data of mine');
    if (data.data.length !== size) throw new Error('boxed: size mismatch');
    return dtype === 'float64' ? data.data : Float32Array.from(data.data);
  },
  dispose(): void {
    disposed++;
  },
});

const calls = { add: 0, matmul: 0, relu: 0 };
const promote = (a: StorageRecord, b: StorageRecord): DType => (a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : 'float32');
const valuesOf = (r: StorageRecord): number[] => [...(r.data as Box).data];
const boxedRecord = (values: number[], shape: readonly number[], dtype: DType): StorageRecord<Box> => ({ data: new Box(Float64Array.from(values)), shape, dtype });

const boxedKernels: Record<'add' | 'matmul' | 'relu', AnyKernel> = {
  add: ([a, b]) => {
    calls.add++;
    const out = refBinary(valuesOf(a), a.shape, valuesOf(b), b.shape, (x, y) => x + y);
    return boxedRecord(out.values, out.shape, promote(a, b));
  },
  matmul: ([a, b], attrs) => {
    calls.matmul++;
    const out = refMatmul(valuesOf(a), a.shape, valuesOf(b), b.shape, attrs.transposeA === true, attrs.transposeB === true);
    return boxedRecord(out.values, out.shape, promote(a, b));
  },
  relu: ([x]) => {
    calls.relu++;
    return boxedRecord(valuesOf(x).map((v) => (v > 0 ? v : 0)), x.shape, x.dtype);
  },
};

const boxedPlugin = definePlugin({
  name: '@keel/test-boxed',
  version: '1.0.0',
  provides: {
    backend: [
      { id: 'boxed', description: 'test backend: values boxed in plain objects', priority: 5, create: () => boxed },
      { id: 'unavailable', description: 'test backend that cannot start', priority: 10, create: () => { throw new Error('needs a GPU'); } },
    ],
    kernel: Object.entries(boxedKernels).map(([id, run]) => ({ id, backend: 'boxed', run })),
  },
});

let previousRegistry: Registry;
let registry: Registry;

beforeEach(() => {
  registry = new Registry({ name: 'boxed test registry' });
  previousRegistry = useRegistry(registry);
  registry.use(boxedPlugin);
  calls.add = calls.matmul = calls.relu = 0;
});

afterEach(() => {
  setBackend('js');
  useRegistry(previousRegistry);
  expect(getBackend()).toBe('js');
  expect(engine.registry).toBe(defaultRegistry);
});

describe('backends from a separate registry', () => {
  it('lists registered backends, picks the best one that starts, explains the one that does not', () => {
    expect(listBackends()).toEqual(['boxed', 'js', 'unavailable']);
    expect(backendUnavailableReason('boxed')).toBeUndefined();
    expect(backendUnavailableReason('unavailable')).toBe('needs a GPU');
    expect(backendUnavailableReason('nope')).toMatch(/nope/);
    expect(bestBackend()).toBe('boxed');
  });

  it("setBackend('boxed') makes new tensors live in boxed storage", () => {
    setBackend('boxed');
    expect(getBackend()).toBe('boxed');
    const t = tensor([[1, 2], [3, 4]]);
    expect(t.backend).toBe(boxed);
    expect(t.handle).toBeInstanceOf(Box);
    expect(t.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(T.zeros([2]).backend).toBe(boxed);
    expect(T.randn([3], { seed: 1 }).backend).toBe(boxed);
    t.dispose();
    expect(disposed).toBeGreaterThan(0);
    // the same seed gives the same numbers on every backend
    const onBoxed = [...T.randn([5], { seed: 3 }).values];
    setBackend('js');
    expect([...T.randn([5], { seed: 3 }).values]).toEqual(onBoxed);
  });

  it('its own kernels run for add, matmul and relu', () => {
    setBackend('boxed');
    const a = tensor([[1, -2], [3, 4]]);
    const b = tensor([10, 20]);
    const sum = T.add(a, b);
    expect(calls.add).toBe(1);
    expect(sum.backend).toBe(boxed);
    expect(sum.toArray()).toEqual([[11, 18], [13, 24]]);
    expect(T.matmul(a, a, { transposeB: true }).toArray()).toEqual([[5, -5], [-5, 25]]);
    expect(calls.matmul).toBe(1);
    expect(T.relu(a).toArray()).toEqual([[1, 0], [3, 4]]);
    expect(calls.relu).toBe(1);
    expect(engine.kernel('add').backend).toBe('boxed');
  });

  it('every other op falls back to js transparently, and its result comes back boxed', () => {
    setBackend('boxed');
    const jsOps = registry.list('kernel').filter((key) => key.endsWith('@js')).map((key) => key.slice(0, -3));
    expect(jsOps.length).toBeGreaterThan(40);
    for (const op of jsOps) {
      expect(engine.kernel(op).backend, op).toBe(Object.hasOwn(boxedKernels, op) ? 'boxed' : 'js');
    }
    const x = tensor([[1, -2, 3], [-4, 5, -6]]);
    const before = { ...calls };
    const y = T.softmax(T.sub(T.mul(x, x), T.exp(x)));
    expect(calls).toEqual(before);
    expect(y.backend).toBe(boxed);
    expect(y.handle).toBeInstanceOf(Box);
    setBackend('js');
    const expected = T.softmax(T.sub(T.mul(tensor([[1, -2, 3], [-4, 5, -6]]), tensor([[1, -2, 3], [-4, 5, -6]])), T.exp(tensor([[1, -2, 3], [-4, 5, -6]]))));
    expect([...y.values]).toEqual([...expected.values]);
  });

  it('a kernel registered later is picked up (lookups follow the registry revision)', () => {
    setBackend('boxed');
    expect(engine.kernel('sub').backend).toBe('js');
    let subCalls = 0;
    const sub: KernelEntry = {
      id: 'sub',
      backend: 'boxed',
      run: ([a, b]) => {
        subCalls++;
        const out = refBinary(valuesOf(a), a.shape, valuesOf(b), b.shape, (p, q) => p - q);
        return boxedRecord(out.values, out.shape, promote(a, b));
      },
    };
    registry.use(definePlugin({ name: '@keel/test-boxed-sub', version: '1.0.0', provides: { kernel: [sub] } }));
    expect(engine.kernel('sub').backend).toBe('boxed');
    expect([...T.sub(tensor([5, 6]), tensor([1, 2])).values]).toEqual([4, 4]);
    expect(subCalls).toBe(1);
  });

  it('tensors from both backends mix, and autograd works across them', () => {
    const wJs = tensor([[0.5, -1], [2, 0.25]], undefined, { dtype: 'float64' }).requireGrad();
    setBackend('boxed');
    const x = tensor([[1, 2], [3, -4]], undefined, { dtype: 'float64' });
    const b = tensor([0.1, -0.2], undefined, { dtype: 'float64' }).requireGrad();
    const loss = T.sum(T.square(T.relu(T.add(T.matmul(x, wJs), b))));
    expect(loss.backend).toBe(boxed);
    loss.backward();
    expect(calls.matmul).toBeGreaterThanOrEqual(2); // forward and backward
    const gw = [...(wJs.grad as Tensor).values];
    const gb = [...(b.grad as Tensor).values];
    // the same on js only
    setBackend('js');
    const w2 = tensor([[0.5, -1], [2, 0.25]], undefined, { dtype: 'float64' }).requireGrad();
    const b2 = tensor([0.1, -0.2], undefined, { dtype: 'float64' }).requireGrad();
    T.sum(T.square(T.relu(T.add(T.matmul(tensor([[1, 2], [3, -4]], undefined, { dtype: 'float64' }), w2), b2)))).backward();
    expect(gw).toEqual([...(w2.grad as Tensor).values]);
    expect(gb).toEqual([...(b2.grad as Tensor).values]);
    // assign moves values into the parameter's own storage
    noGrad(() => wJs.assign(T.sub(wJs, T.mul(wJs.grad as Tensor, 0.1))));
    expect(wJs.backend.name).toBe('js');
  });

  it('an op no backend implements is a clear error', () => {
    const error = thrown(() => engine.run('fancyOp', [tensor([1])]));
    expect(error).toBeInstanceOf(TensorError);
    expect(error.message).toMatch(/^fancyOp: no kernel 'fancyOp' on backend 'js' or its fallbacks \(known ops: .*matmul/);
  });
});
