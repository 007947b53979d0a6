import type { OptimizerConfig } from '@keel/optimizers';
import { declareOption, definePlugin, optionField, type OptionField } from '@keel/registry';
import { signum, type SignumOptions } from './signum.js';
import { PACKAGE_NAME, VERSION } from './version.js';

export { scaleBySignMomentum, signum, type SignMomentumState, type SignumOptions } from './signum.js';

/** A learning rate: a positive number, or a schedule (step => rate). */
const learningRate: OptionField = {
  expected: 'a positive number or a schedule (step => rate)',
  accepts: (v) => typeof v === 'function' || (typeof v === 'number' && Number.isFinite(v) && v > 0),
};

/** Install with `registry.use(signumPlugin)`; then `optimizer: 'acme/signum'` works in any training config. */
export const signumPlugin = definePlugin({
  name: PACKAGE_NAME,
  version: VERSION,
  provides: {
    optimizer: [
      {
        id: 'acme/signum',
        description: 'Signum: the sign of a gradient momentum, times lr (lr, beta)',
        defaultLearningRate: 0.01,
        // Every option create reads: createOptimizer rejects any other (a typo such as 'bta') with a
        // did-you-mean, and the CLI passes --momentum only to optimizers that declare it.
        options: {
          lr: declareOption(learningRate, 'the step: every parameter moves by exactly lr', 0.01),
          beta: declareOption(optionField.number((v) => v >= 0 && v < 1, 'in [0, 1)'), 'the momentum of the gradient average whose sign is taken', 0.9),
        },
        create: (config: OptimizerConfig = {}) => signum(config as SignumOptions),
      },
    ],
  },
});

declare module '@keel/registry' {
  interface RegisteredIds {
    'optimizer:acme/signum': true;
  }
}
