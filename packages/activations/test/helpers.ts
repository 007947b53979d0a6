import { Registry } from '@keel/registry';
import { tensor, type Tensor } from '@keel/tensor';
import { createActivation, installActivations, type Activation, type ActivationSpec } from '../src/index.js';

/** A fresh registry with the built-in activations (tests never touch the default registry). */
export function freshRegistry(): Registry {
  return installActivations(new Registry({ name: 'test registry' }));
}

const shared = freshRegistry();

export function activation(spec: ActivationSpec): Activation {
  return createActivation(shared, spec);
}

export function f64(values: number[], shape: number[] = [values.length]): Tensor {
  return tensor(values, shape, { dtype: 'float64' });
}

export function list(t: Tensor): number[] {
  return Array.from(t.values);
}

/** Every built-in id, plus the configured variants worth checking on their own. */
export const specs: readonly ActivationSpec[] = [
  'relu',
  'leakyRelu',
  { id: 'leakyRelu', alpha: 0.2 },
  'elu',
  { id: 'elu', alpha: 0.5 },
  'selu',
  'gelu',
  { id: 'gelu', approximate: 'tanh' },
  'swish',
  { id: 'swish', beta: 2 },
  'silu',
  'mish',
  'softplus',
  'sigmoid',
  'hardSigmoid',
  'tanh',
  'softsign',
  'softmax',
  'logSoftmax',
  'linear',
];

export function label(spec: ActivationSpec): string {
  return typeof spec === 'string' ? spec : JSON.stringify(spec);
}
