import { optionField, type OptionField, type OptionFields } from '@keel/registry';

// What each optimizer accepts by id, declared once: `createOptimizer` rejects an option that is
// not here (a typo such as `momentom`, or `momentum` for Adam) before anything trains, and the CLI
// reads it to pass `--momentum` only where it means something. The factories check the values.

const learningRate: OptionField = {
  expected: 'a positive number or a schedule (step => rate)',
  accepts: (v) => typeof v === 'function' || (typeof v === 'number' && Number.isFinite(v) && v > 0),
};
const decayRate = optionField.number((v) => v >= 0 && v < 1, 'in [0, 1)');
const positive = optionField.number((v) => v > 0, '> 0');
const nonNegative = optionField.number((v) => v >= 0, '>= 0');

const adamFamily = { lr: learningRate, b1: decayRate, b2: decayRate, eps: positive };

/** The options of each of Keel's optimizers, by id. */
export const optimizerOptions = {
  sgd: { lr: learningRate, momentum: decayRate, nesterov: optionField.boolean(), weightDecay: nonNegative },
  adam: adamFamily,
  adamw: { ...adamFamily, weightDecay: nonNegative },
  rmsprop: { lr: learningRate, decay: decayRate, eps: positive, momentum: decayRate },
  adagrad: { lr: learningRate, initialAccumulator: nonNegative, eps: positive },
  adamax: adamFamily,
  lion: { lr: learningRate, b1: decayRate, b2: decayRate, weightDecay: nonNegative },
} as const satisfies Record<string, OptionFields>;
