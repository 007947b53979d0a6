import { ArrayDataset, xor } from '@keel/data';
import { Dense, Sequential } from '@keel/layers';
import { Registry } from '@keel/registry';
import { installTrain } from '../src/index.js';

export function freshRegistry(): Registry {
  const registry = new Registry();
  installTrain(registry);
  return registry;
}

export function xorData(): ArrayDataset {
  const { x, y } = xor();
  return new ArrayDataset(x, [2], Float32Array.from(y), [1]);
}

/** 2-8-1: tanh hidden, one logit out (for binaryCrossEntropyWithLogits). */
export function xorModel(seed: number, registry: Registry, activation: 'tanh' | 'relu' = 'tanh'): Sequential {
  return new Sequential([new Dense({ units: 8, activation }), new Dense({ units: 1 })], { inputShape: [2], seed, registry });
}

/** The error `fn` throws (the test fails if it throws none). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

/** The error `promise` rejects with (the test fails if it resolves). */
export async function rejected(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as Error,
  );
}
