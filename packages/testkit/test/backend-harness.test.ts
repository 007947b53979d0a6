// The backend harness (conformance suite + contract checks), on 'js' and on small test backends:
// one that is right, one with a wrong kernel and one that breaks the ownership contract.
import { definePlugin, Registry } from '@keel/registry';
import { defineBackend, getBackend, installTensorPlugin, jsBackend, jsKernels, useRegistry, type Backend, type BackendEntry, type TypedArray } from '@keel/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBackend, conformanceCases, runConformance } from '../src/index.js';
import { testBackend } from '../src/vitest.js';

// the reference runs the same harness every backend runs
testBackend('js');

let addCalls = 0;

/** Right: float32 arrays of its own, its own 'add' and 'matmul' (the js kernels' code), the rest from 'js'. */
const mirror = defineBackend<TypedArray>({
  name: 'mirror',
  kernels: {
    add: (inputs, attrs) => {
      addCalls++;
      return jsKernels.add(inputs, attrs);
    },
    matmul: jsKernels.matmul,
  },
  fallback: jsBackend,
  upload: (values) => values.slice(),
  download: (data) => data,
  dispose: () => undefined,
});

/** Wrong: the last element of every product is off by 0.01 (a classic tiling-edge bug). */
const sloppy = defineBackend<TypedArray>({
  ...mirror,
  name: 'sloppy',
  kernels: {
    matmul: (inputs, attrs) => {
      const out = jsKernels.matmul(inputs, attrs)!;
      const data = out.data.slice();
      data[data.length - 1] += 0.01;
      return { ...out, data };
    },
  },
});

/**
 * Breaks the contract: reads hand out one staging array per length, reused by the next read, while
 * claiming to copy (`readsCopy`) — values a user kept change under them.
 */
const staging = new Map<number, Float32Array>();
const stagingBackend = defineBackend<TypedArray>({
  ...mirror,
  name: 'staging',
  kernels: {},
  readsCopy: true,
  download: (data) => {
    let buffer = staging.get(data.length);
    if (buffer === undefined) staging.set(data.length, (buffer = new Float32Array(data.length)));
    buffer.set(data);
    return buffer;
  },
});

const entry = (backend: Backend, description: string): BackendEntry => ({ id: backend.name, description, priority: 0, create: () => backend });
const registry = new Registry({ name: 'backend harness test registry' });
installTensorPlugin(registry);
registry.use(
  definePlugin({
    name: '@keel/test-backends',
    version: '1.0.0',
    provides: {
      backend: [
        entry(mirror, 'right'),
        entry(sloppy, 'matmul off by a little'),
        entry(stagingBackend, 'reads into a reused staging array'),
        { id: 'unavailable', description: 'cannot start', priority: 0, create: () => { throw new Error('needs a GPU'); } },
      ],
    },
  }),
);
let previous: Registry;
beforeAll(() => {
  previous = useRegistry(registry);
});
afterAll(() => {
  useRegistry(previous);
});

describe('the backend harness', () => {
  it('covers the public ops', () => {
    const names = conformanceCases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const op of ['relu', 'sigmoid', 'matmul', 'conv2d', 'maxPool2d', 'avgPool2d', 'softmax', 'logSoftmax', 'logSumExp', 'gather', 'where', 'concat', 'pad']) {
      expect(names.some((n) => n.startsWith(op)), op).toBe(true);
    }
  });

  it('passes a right backend (own kernels and the js fallback), and restores the current backend', async () => {
    const result = await checkBackend('mirror');
    expect(result.results.filter((r) => !r.ok).map((r) => r.message)).toEqual([]);
    expect(result.results.length).toBe(conformanceCases.length + 5);
    expect(addCalls).toBeGreaterThan(0);
    expect(getBackend()).toBe('js');
  });

  it('catches a backend whose kernel is wrong, naming the case', () => {
    const results = runConformance('sloppy', { only: /matmul|dense|conv2d/ });
    expect(results.length).toBeGreaterThan(5);
    const failed = results.filter((r) => !r.ok);
    expect(failed.map((r) => r.case)).toContain('matmul 5x7x3');
    for (const r of failed) {
      expect(r.maxError).toBeGreaterThan(1e-3);
      expect(r.message).toMatch(/FAILED on 'sloppy'/);
    }
  });

  it('catches a backend whose reads hand out memory it reuses, naming the contract it breaks', async () => {
    const result = await checkBackend('staging', { conformance: false });
    const failed = result.results.filter((r) => !r.ok);
    expect(failed.map((r) => r.check)).toContain('values read inside a scope survive every later scope (the ownership rule: .values pins)');
    expect(failed[0].message).toMatch(/changed/);
  });

  it('an unknown or unavailable backend is one clear error', () => {
    expect(() => runConformance('nope')).toThrow(/nope/);
    expect(() => runConformance('unavailable')).toThrow('needs a GPU');
    expect(getBackend()).toBe('js');
  });

  it('options: only, gradients off, seed', () => {
    addCalls = 0;
    const results = runConformance('mirror', { only: /^add/, gradients: false, seed: 9 });
    expect(results.length).toBeGreaterThanOrEqual(4);
    expect(results.every((r) => r.ok && r.case.startsWith('add'))).toBe(true);
    expect(addCalls).toBeGreaterThan(0);
  });
});
