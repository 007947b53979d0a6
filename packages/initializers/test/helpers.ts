import { Registry } from '@keel/registry';
import { Random, type Tensor } from '@keel/tensor';
import { createInitializer, fans, installInitializers, type InitContext, type InitializerSpec } from '../src/index.js';

export function freshRegistry(): Registry {
  return installInitializers(new Registry({ name: 'test registry' }));
}

const shared = freshRegistry();

/** Runs an initializer on `shape` with the fans of that shape and a generator seeded with `seed`. */
export function init(spec: InitializerSpec, shape: number[], seed = 1, extra: Partial<InitContext> = {}): Tensor {
  return createInitializer(shared, spec)(shape, { ...fans(shape), random: new Random(seed), ...extra });
}

export interface Stats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

export function stats(t: Tensor): Stats {
  const v = t.values;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / v.length;
  let sq = 0;
  for (const x of v) sq += (x - mean) ** 2;
  return { mean, std: Math.sqrt(sq / v.length), min, max };
}

export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
