export type { Activation, ActivationEntry, ActivationGradArgs, ActivationMeta, Saturation } from './activation.js';
export { ActivationConfigError, activationOptions, type ActivationConfig, type ConfigValue } from './config.js';
export { ActivationError } from './activation-error.js';
export { activationFromEntry, createActivation, type ActivationId, type ActivationSpec } from './create.js';
export { builtinActivations, type BuiltinActivationId } from './entries.js';
export { MINIMA, SATURATION, SELU_ALPHA, SELU_LAMBDA, VARIANCE_GAINS, varianceGain } from './gains.js';
export { activationsPlugin, installActivations } from './plugin.js';
export {
  elu,
  gelu,
  hardSigmoid,
  leakyRelu,
  linear,
  logSoftmax,
  mish,
  relu,
  selu,
  sigmoid,
  silu,
  softmax,
  softplus,
  softsign,
  swish,
  tanh,
} from './functions.js';
export { PACKAGE_NAME, VERSION } from './version.js';
