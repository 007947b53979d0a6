import { definePlugin, Registry } from '@keel/registry';
import * as T from '@keel/tensor';
import { backendUnavailableReason, bestBackend, engine, getBackend, listBackends, setBackend, Tensor, tensor, useRegistry, type KernelEntry } from '@keel/tensor';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installNativeBackend, nativeAvailability, nativeBackend, nativeBackendPlugin, nativeInfo, nativeOps } from '../src/index.js';
import { buildDryRun } from './build-script.js';
import { close, install, on, skipReason, titled } from './helpers.js';

beforeAll(() => install());
afterEach(() => setBackend('js'));

describe('the native plugin', () => {
  it('registers the backend (priority 20, above wasm), idempotently; its kernels come with it', () => {
    const registry = new Registry({ name: 'native test registry' });
    expect(installNativeBackend(registry)).toBe(registry);
    installNativeBackend(registry);
    expect(registry.list('backend')).toEqual(['js', 'native']);
    expect(registry.has('kernel', 'matmul@js')).toBe(true);
    expect(nativeBackendPlugin.provides.backend[0].priority).toBe(20);
    if (skipReason === undefined) {
      const backend = nativeBackend();
      expect(Object.keys(backend.kernels).sort()).toEqual([...nativeOps].sort());
      expect(backend.fallback).toBe(T.jsBackend);
    }
    expect(listBackends()).toContain('native');
  });

  it('importing the package registers nothing and loads no addon by itself', async () => {
    const fresh = new Registry({ name: 'untouched' });
    await import('../src/index.js');
    expect(fresh.kinds().some((k) => k.name === 'backend')).toBe(false);
  });

  it('is available exactly when the build found everything it needs (so tests skip only for a real reason)', () => {
    const missing = buildDryRun();
    if (missing.includes('everything needed is present')) expect(nativeAvailability()).toEqual({ available: true });
    else expect(nativeAvailability().available).toBe(false);
  });
});

describe.skipIf(skipReason !== undefined)(titled("the 'native' backend"), () => {
  it('is what bestBackend() picks, and says what it runs on', () => {
    const registry = new Registry({ name: 'best' });
    installNativeBackend(registry);
    const previous = useRegistry(registry);
    try {
      expect(bestBackend()).toBe('native');
      expect(backendUnavailableReason('native')).toBeUndefined();
    } finally {
      useRegistry(previous);
    }
    const info = nativeInfo();
    expect(info.blas).toMatch(/\S/);
    expect(info.threads).toBeGreaterThanOrEqual(1);
  });

  it("setBackend('native') puts new tensors there; values round-trip without copies", () => {
    setBackend('native');
    expect(getBackend()).toBe('native');
    const values = Float32Array.from([1, 2, 3, 4.5]);
    const t = Tensor.fromValues(values, [2, 2], 'float32');
    expect(t.backend).toBe(nativeBackend());
    expect(t.values).toBe(values); // the storage is the array itself
    expect(T.add(t, 1).toArray()).toEqual([[2, 3], [4, 5.5]]);
    expect(T.randn([4], { seed: 3 }).backend.name).toBe('native');
  });

  it("a plugin's js-only kernel works on native tensors (the engine's fallback)", () => {
    const registry = new Registry({ name: 'fallback test' });
    installNativeBackend(registry);
    const twice: KernelEntry = { id: 'acme/twice', backend: 'js', run: ([x]) => ({ data: Float32Array.from(x.data as Float32Array, (v) => 2 * v), shape: x.shape, dtype: 'float32' }) };
    registry.use(definePlugin({ name: '@acme/twice', version: '1.0.0', provides: { kernel: [twice] } }));
    const previous = useRegistry(registry);
    try {
      setBackend('native');
      expect(engine.kernel('acme/twice').backend).toBe('js');
      const y = engine.run('acme/twice', [T.relu(tensor([1, -2, 3]))]);
      expect(y.backend.name).toBe('native');
      expect([...y.values]).toEqual([2, 0, 6]);
    } finally {
      setBackend('js');
      useRegistry(previous);
    }
  });

  it('convolution and pooling (im2col + sgemm, C pooling) train with the gradients js gives', () => {
    const run = (): number[] => {
      const x = T.normal([2, 6, 6, 2], 0, 1, { seed: 4 });
      const w = T.mul(T.normal([3, 3, 2, 4], 0, 1, { seed: 5 }), 0.3).requireGrad();
      const y = T.maxPool2d(T.relu(T.conv2d(x, w, { padding: 'same' })), 2);
      T.sum(T.square(y)).backward();
      expect(y.backend.name).toBe(getBackend());
      return [...(w.grad as Tensor).values];
    };
    const expected = on('js', run);
    const actual = on('native', run);
    actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected[i]))));
  });

  it("'js' tensors are inputs of native kernels without a copy, and autograd crosses backends", () => {
    const w = tensor([[0.5, -1], [2, 0.25]]).requireGrad(); // on js
    setBackend('native');
    const x = tensor([[1, 2], [3, -4]]);
    const loss = T.sum(T.square(T.relu(T.matmul(x, w))));
    expect(loss.backend.name).toBe('native');
    loss.backward();
    expect(w.grad?.backend.name).toBe('native');
    setBackend('js');
    const w2 = tensor([[0.5, -1], [2, 0.25]]).requireGrad();
    T.sum(T.square(T.relu(T.matmul(tensor([[1, 2], [3, -4]]), w2)))).backward();
    expect(close(w.grad as Tensor, w2.grad as Tensor).ok).toBe(true);
  });

  it('float64 tensors use the js kernels and stay float64; casts convert', () => {
    setBackend('native');
    const x = tensor([1, 2, 3], undefined, { dtype: 'float64' });
    const y = T.exp(x);
    expect(y.dtype).toBe('float64');
    expect(y.backend.name).toBe('native');
    expect(y.values).toBeInstanceOf(Float64Array);
    expect(y.values[1]).toBe(Math.exp(2));
    const f = T.cast(y, 'float32');
    expect(f.dtype).toBe('float32');
    expect(T.cast(T.relu(f), 'float64').values[2]).toBe(Math.fround(Math.exp(3)));
    expect(T.add(f, x).dtype).toBe('float64'); // mixed inputs promote, on the reference
  });

  it('views (reshape, detach) share storage with their source', () => {
    setBackend('native');
    const x = T.relu(tensor([1, -2, 3, 4]));
    const v = T.reshape(x, [2, 2]);
    expect(v.handle).toBe(x.handle);
    expect(v.toArray()).toEqual([[1, 0], [3, 4]]);
    expect(x.detach().handle).toBe(x.handle);
  });
});
