import type { OptimizerConfig } from '@keel/optimizers';
import { definePlugin } from '@keel/registry';
import { signum, type SignumOptions } from './signum.js';
import { PACKAGE_NAME, VERSION } from './version.js';

export { scaleBySignMomentum, signum, type SignMomentumState, type SignumOptions } from './signum.js';

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
