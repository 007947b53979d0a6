import { defaultRegistry, definePlugin, Registry } from '@keel/registry';
import * as T from '@keel/tensor';
import { bestBackend, engine, getBackend, listBackends, setBackend, tensor, type Tensor, useRegistry, type KernelEntry } from '@keel/tensor';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { installWasmBackend, wasmBackend, wasmMemoryStats, wasmOps, wasmPlugin, wasmReady, wasmUnavailableReason } from '../src/index.js';
import { close, install, on } from './helpers.js';

beforeAll(() => install());
afterEach(() => setBackend('js'));

describe('the wasm plugin', () => {
  it('registers the backend (priority 10) through the public plugin path, idempotently; its kernels come with it', () => {
    const registry = new Registry({ name: 'wasm test registry' });
    expect(installWasmBackend(registry)).toBe(registry);
    installWasmBackend(registry);
    expect(registry.list('backend')).toEqual(['js', 'wasm']);
    expect(Object.keys(wasmBackend().kernels).sort()).toEqual([...wasmOps].sort());
    expect(wasmBackend().fallback).toBe(T.jsBackend);
    expect(registry.has('kernel', 'matmul@js')).toBe(true);
    expect(wasmPlugin.provides.backend[0].priority).toBe(10);
    const previous = useRegistry(registry);
    try {
      expect(bestBackend()).toBe('wasm');
    } finally {
      useRegistry(previous);
    }
    expect(listBackends()).toContain('wasm');
  });

  it('importing the package registers nothing by itself', async () => {
    const fresh = new Registry({ name: 'untouched' });
    await import('../src/index.js');
    expect(fresh.kinds().some((k) => k.name === 'backend')).toBe(false);
  });

  it('is available here (WebAssembly SIMD), and explains itself where it is not', async () => {
    expect(wasmUnavailableReason()).toBeUndefined();
    await expect(wasmReady()).resolves.toBeUndefined();
    const validate = vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    try {
      expect(wasmUnavailableReason()).toMatch(/WebAssembly SIMD .* not supported/);
    } finally {
      validate.mockRestore();
    }
  });

  it("setBackend('wasm') puts new tensors there; values round-trip", () => {
    setBackend('wasm');
    expect(getBackend()).toBe('wasm');
    const t = tensor([[1, 2], [3, 4.5]]);
    expect(t.backend).toBe(wasmBackend());
    expect(t.toArray()).toEqual([[1, 2], [3, 4.5]]);
    expect(T.add(t, 1).toArray()).toEqual([[2, 3], [4, 5.5]]);
    expect(T.randn([4], { seed: 3 }).backend.name).toBe('wasm');
  });
});

describe('fallback to js', () => {
  it('an op the wasm backend does not implement runs on js and its result comes back to wasm', () => {
    setBackend('wasm');
    for (const op of ['gather', 'where', 'prod', 'argmax', 'concat']) expect(engine.kernel(op).backend, op).toBe('js');
    const x = T.normal([2, 4, 3], 0, 1, { seed: 1 });
    const g = T.gather(x, tensor([3, 0, 1]), 1);
    expect(g.backend.name).toBe('wasm');
    const expected = on('js', () => T.gather(T.normal([2, 4, 3], 0, 1, { seed: 1 }), tensor([3, 0, 1]), 1));
    setBackend('wasm');
    expect([...g.values]).toEqual([...expected.values]);
    // and it feeds wasm kernels like any other tensor
    expect(close(T.relu(g), on('js', () => T.relu(expected))).ok).toBe(true);
  });

  it("a plugin's js-only kernel works on wasm tensors", () => {
    const registry = new Registry({ name: 'fallback test' });
    installWasmBackend(registry);
    const twice: KernelEntry = { id: 'acme/twice', backend: 'js', run: ([x]) => ({ data: Float32Array.from(x.data as Float32Array, (v) => 2 * v), shape: x.shape, dtype: 'float32' }) };
    registry.use(definePlugin({ name: '@acme/twice', version: '1.0.0', provides: { kernel: [twice] } }));
    const previous = useRegistry(registry);
    try {
      setBackend('wasm');
      const y = engine.run('acme/twice', [T.relu(tensor([1, -2, 3]))]);
      expect(y.backend.name).toBe('wasm');
      expect([...y.values]).toEqual([2, 0, 6]);
    } finally {
      setBackend('js');
      useRegistry(previous);
    }
  });
});

describe('mixing backends and dtypes', () => {
  it('js tensors are valid inputs of wasm kernels, and autograd crosses backends', () => {
    const w = tensor([[0.5, -1], [2, 0.25]]).requireGrad(); // on js
    setBackend('wasm');
    const x = tensor([[1, 2], [3, -4]]);
    const loss = T.sum(T.square(T.relu(T.matmul(x, w))));
    expect(loss.backend.name).toBe('wasm');
    loss.backward();
    expect(w.grad?.backend.name).toBe('wasm');
    setBackend('js');
    const w2 = tensor([[0.5, -1], [2, 0.25]]).requireGrad();
    T.sum(T.square(T.relu(T.matmul(tensor([[1, 2], [3, -4]]), w2)))).backward();
    expect([...(w.grad as Tensor).values]).toEqual([...(w2.grad as Tensor).values]);
  });

  it('float64 tensors stay in JavaScript arrays and use the js kernels; casts convert', () => {
    setBackend('wasm');
    const before = wasmMemoryStats().residentTensors;
    const x = tensor([1, 2, 3], undefined, { dtype: 'float64' });
    const y = T.exp(x);
    expect(y.dtype).toBe('float64');
    expect(y.values).toBeInstanceOf(Float64Array);
    expect(y.values[1]).toBe(Math.exp(2));
    expect(wasmMemoryStats().residentTensors).toBe(before);
    const f = T.cast(y, 'float32');
    expect(f.dtype).toBe('float32');
    expect(T.cast(T.relu(f), 'float64').values[2]).toBe(Math.fround(Math.exp(3)));
  });

  it('views (reshape, detach) share storage with their source', () => {
    setBackend('wasm');
    const x = T.relu(tensor([1, -2, 3, 4]));
    const v = T.reshape(x, [2, 2]);
    expect(v.handle).toBe(x.handle);
    expect(v.toArray()).toEqual([[1, 0], [3, 4]]);
    expect(x.detach().handle).toBe(x.handle);
  });
});

describe('broadcast layouts', () => {
  const cases: [number[], number[]][] = [
    [[5, 7], [5, 7]], [[5, 7], [7]], [[5, 7], [1, 7]], [[5, 7], [5, 1]], [[5, 1], [5, 7]], [[7], [5, 7]], [[], [5, 7]], [[5, 7], []],
    [[2, 3, 4], [4]], [[2, 3, 4], [3, 4]], [[2, 3, 4], [2, 3, 1]], [[2, 3, 4], [2, 1, 1]], [[2, 3, 4], [1, 3, 1]], [[4, 1, 3], [2, 3]], [[1, 1], [1]],
  ];
  for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'less', 'greaterEqual'] as const) {
    it(op, () => {
      for (const [as, bs] of cases) {
        const make = (): [Tensor, Tensor] => [T.uniform(as, 0.5, 2, { seed: 1 }), T.uniform(bs, 0.5, 2, { seed: 2 })];
        const expected = on('js', () => T[op](...make()));
        const actual = on('wasm', () => T[op](...make()));
        expect(actual.backend.name).toBe('wasm');
        expect(actual.shape, `${op} ${JSON.stringify(as)} ${JSON.stringify(bs)}`).toEqual(expected.shape);
        expect([...actual.values], `${op} ${JSON.stringify(as)} ${JSON.stringify(bs)}`).toEqual([...expected.values]);
      }
    });
  }
});

describe('elementwise special values match js', () => {
  const special = [0, -0, 1, -1, 0.5, -0.5, 2.5, -2.5, 1e-30, -1e-30, 88, -88, 100, -100, 1e30, -1e30, Infinity, -Infinity, NaN, 3.4e38];
  for (const op of ['neg', 'abs', 'sign', 'exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'square', 'reciprocal', 'tanh', 'sigmoid', 'softplus', 'relu', 'step', 'floor', 'ceil', 'round', 'isFinite'] as const) {
    it(op, () => {
      const expected = on('js', () => T[op](tensor(special, undefined, { allowNonFinite: true })));
      const actual = on('wasm', () => T[op](tensor(special, undefined, { allowNonFinite: true })));
      const e = [...expected.values];
      [...actual.values].forEach((v, i) => {
        const ok = Object.is(v, e[i]) || (Number.isNaN(v) && Number.isNaN(e[i])) || Math.abs(v - e[i]) <= 1e-6 * Math.abs(e[i]) || (v === 0 && e[i] === 0);
        expect(ok, `${op}(${special[i]}) = ${v}, js ${e[i]}`).toBe(true);
      });
    });
  }

  it('clip and affine agree bit for bit', () => {
    const values = [-1, -0.1, -0.10000000149011612, -0.09999999, 0, 0.1, 0.5, 3];
    for (const [low, high] of [[-0.1, 0.1], [-1 / 3, 2 / 3], [0, 0]]) {
      const expected = on('js', () => [...T.clip(tensor(values), low, high).values]);
      expect(on('wasm', () => [...T.clip(tensor(values), low, high).values])).toEqual(expected);
    }
    const expected = on('js', () => [...T.affine(tensor(values), 0.1, -1 / 3).values]);
    expect(on('wasm', () => [...T.affine(tensor(values), 0.1, -1 / 3).values])).toEqual(expected);
  });
});

describe('engine registry isolation', () => {
  it('the default registry holds the wasm backend once installed', () => {
    expect(defaultRegistry.has('backend', 'wasm')).toBe(true);
  });
});
