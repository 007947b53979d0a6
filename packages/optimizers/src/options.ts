import { declareOption, optionField, type OptionField, type OptionFields } from '@keel/registry';

// What each optimizer accepts by id, declared once with a one-line description and the default:
// `createOptimizer` rejects an option that is not here (a typo such as `momentom`, or `momentum`
// for Adam) before anything trains and fills in the defaults; `keel plugins --describe` and the
// CLI's `--optimizer id:key=value` read it, and the CLI passes `--momentum` only where it is
// declared. The factories check the values again when called directly.

const learningRateField: OptionField = {
  expected: 'a positive number or a schedule (step => rate)',
  accepts: (v) => typeof v === 'function' || (typeof v === 'number' && Number.isFinite(v) && v > 0),
};
const decayRate = optionField.number((v) => v >= 0 && v < 1, 'in [0, 1)');
const positive = optionField.number((v) => v > 0, '> 0');
const nonNegative = optionField.number((v) => v >= 0, '>= 0');

const lr = (value: number): OptionField => declareOption(learningRateField, 'the learning rate: a number, or a schedule from the step to a rate', value);
const b1 = (value: number): OptionField => declareOption(decayRate, 'decay of the first moment (the running mean of gradients)', value);
const b2 = (value: number, what = 'the second moment (the running mean of squared gradients)'): OptionField => declareOption(decayRate, `decay of ${what}`, value);
const eps = (value: number): OptionField => declareOption(positive, 'added to the denominator so tiny gradients do not make huge steps', value);
const decoupledDecay = (value: number): OptionField => declareOption(nonNegative, 'decoupled weight decay: parameters shrink by lr·weightDecay each step', value);

/** The options of each of Keel's optimizers, by id. */
export const optimizerOptions = {
  sgd: {
    lr: lr(0.01),
    momentum: declareOption(decayRate, 'the fraction of the previous step kept (0: plain gradient descent)', 0),
    nesterov: declareOption(optionField.boolean(), 'Nesterov momentum: look ahead along the momentum (needs momentum > 0)', false),
    weightDecay: declareOption(nonNegative, 'L2 penalty added to the gradient before momentum, as in PyTorch', 0),
  },
  adam: { lr: lr(1e-3), b1: b1(0.9), b2: b2(0.999), eps: eps(1e-8) },
  adamw: { lr: lr(1e-3), b1: b1(0.9), b2: b2(0.999), eps: eps(1e-8), weightDecay: decoupledDecay(1e-4) },
  rmsprop: {
    lr: lr(1e-3),
    decay: declareOption(decayRate, 'decay of the running mean of squared gradients', 0.9),
    eps: eps(1e-8),
    momentum: declareOption(decayRate, 'momentum on the rescaled gradient (0: none), as in PyTorch', 0),
  },
  adagrad: {
    lr: lr(1e-2),
    initialAccumulator: declareOption(nonNegative, 'the starting sum of squared gradients (keeps the first steps sane)', 0.1),
    eps: eps(1e-7),
  },
  adamax: { lr: lr(2e-3), b1: b1(0.9), b2: b2(0.999, 'the infinity norm of gradients'), eps: eps(1e-8) },
  lion: {
    lr: lr(1e-4),
    b1: declareOption(decayRate, 'interpolation between momentum and gradient for the sign taken', 0.9),
    b2: declareOption(decayRate, 'decay of the momentum', 0.99),
    weightDecay: decoupledDecay(0),
  },
} as const satisfies Record<string, OptionFields>;

/** An optimizer's declared default learning rate (what trainers scale or schedule from). */
export function declaredLearningRate(fields: OptionFields): number {
  return fields.lr.default as number;
}
