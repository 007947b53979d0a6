import { installLosses } from '@keel/losses';
import { installOptimizers } from '@keel/optimizers';
import { defaultRegistry, definePlugin, type IdKeys, type IdsOf, type Registry } from '@keel/registry';
import { installLayers } from '@keel/layers';
import type { CallbackEntry } from './callbacks/callback.js';
import { EARLY_STOPPING_OPTIONS, earlyStopping } from './callbacks/early-stopping.js';
import { LEARNING_RATE_SCHEDULER_OPTIONS, learningRateScheduler, REDUCE_LR_ON_PLATEAU_OPTIONS, reduceLROnPlateau } from './callbacks/learning-rate.js';
import { PROGRESS_OPTIONS, progress } from './callbacks/progress.js';
import { terminateOnNaN } from './callbacks/terminate-on-nan.js';
import { metricEntries } from './metrics/index.js';
import { PACKAGE_NAME, VERSION } from './version.js';

// Each entry declares its options (the same fields its factory checks), so a callback given by id
// is checked before training starts and `keel plugins --describe` can list them. The ids stay
// literal types: `BuiltinCallbackId` and the `RegisteredIds` keys are derived from them.
const callbackEntries = [
  { id: 'earlyStopping', description: 'stop when a monitored quantity stops improving', options: EARLY_STOPPING_OPTIONS, create: (c) => earlyStopping(c) },
  { id: 'terminateOnNaN', description: 'stop quietly at the first non-finite loss', options: {}, create: () => terminateOnNaN() },
  {
    id: 'learningRateScheduler',
    description: 'set the learning rate from a function of (epoch, step)',
    options: LEARNING_RATE_SCHEDULER_OPTIONS,
    create: (c) => learningRateScheduler(c.schedule as (epoch: number, step: number) => number),
  },
  { id: 'reduceLROnPlateau', description: 'lower the learning rate when progress stalls', options: REDUCE_LR_ON_PLATEAU_OPTIONS, create: (c) => reduceLROnPlateau(c) },
  { id: 'progress', description: 'a progress bar (terminal) or progress events', options: PROGRESS_OPTIONS, create: (c) => progress(c) },
] as const satisfies readonly CallbackEntry[];

/** The ids of Keel's callbacks: `'earlyStopping' | 'progress' | ...`. */
export type BuiltinCallbackId = IdsOf<typeof callbackEntries>;

declare module '@keel/registry' {
  // derived from the entry list: a built-in id is typed exactly when it is registered
  interface RegisteredIds extends IdKeys<'callback', BuiltinCallbackId> {}
}

/** @keel/train's plugin: metrics and callbacks. */
export const trainPlugin = definePlugin({ name: PACKAGE_NAME, version: VERSION, provides: { metric: metricEntries, callback: callbackEntries } });

/** Installs everything training needs into a registry: layers (with activations, initializers), losses, optimizers, metrics, callbacks. */
export function installTrain(registry: Registry = defaultRegistry): void {
  installLayers(registry);
  installLosses(registry);
  installOptimizers(registry);
  registry.use(trainPlugin);
}
