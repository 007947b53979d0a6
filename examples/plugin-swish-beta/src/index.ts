import { definePlugin } from '@keel/registry';
import { brokenSwishBeta } from './broken-swish-beta.js';
import { swishBeta } from './swish-beta.js';
import { PACKAGE_NAME, VERSION } from './version.js';

export { swishBeta } from './swish-beta.js';

/** The plugin: install it with `registry.use(swishBetaPlugin)` (or `keel --plugin @acme/keel-swish-beta`). */
export const swishBetaPlugin = definePlugin({
  name: PACKAGE_NAME,
  version: VERSION,
  provides: { activation: [swishBeta] },
});

/** Only for the tests: a plugin whose activation has a wrong derivative. */
export const brokenSwishBetaPlugin = definePlugin({
  name: `${PACKAGE_NAME}-broken`,
  version: VERSION,
  provides: { activation: [brokenSwishBeta] },
});

// Make the id a checked name wherever Keel expects an activation id.
declare module '@keel/registry' {
  interface RegisteredIds {
    'activation:acme/swishBeta': true;
  }
}
