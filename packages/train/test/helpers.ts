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
