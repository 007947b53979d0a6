import { installLosses } from '@keel/losses';
import { installOptimizers } from '@keel/optimizers';
import { defaultRegistry, definePlugin, type Registry } from '@keel/registry';
import { installLayers } from '@keel/layers';
import type { CallbackEntry } from './callbacks/callback.js';
import { earlyStopping } from './callbacks/early-stopping.js';
import { learningRateScheduler, reduceLROnPlateau } from './callbacks/learning-rate.js';
import { progress } from './callbacks/progress.js';
import { terminateOnNaN } from './callbacks/terminate-on-nan.js';
import { metricEntries } from './metrics/index.js';
import { PACKAGE_NAME, VERSION } from './version.js';

const callbackEntries: CallbackEntry[] = [
  { id: 'earlyStopping', description: 'stop when a monitored quantity stops improving', create: (c) => earlyStopping(c) },
  { id: 'terminateOnNaN', description: 'stop quietly at the first non-finite loss', create: () => terminateOnNaN() },
  {
    id: 'learningRateScheduler',
    description: 'set the learning rate from a function of (epoch, step)',
    create: (c) => learningRateScheduler(c.schedule as (epoch: number, step: number) => number),
  },
  { id: 'reduceLROnPlateau', description: 'lower the learning rate when progress stalls', create: (c) => reduceLROnPlateau(c) },
  { id: 'progress', description: 'a progress bar (terminal) or progress events', create: (c) => progress(c) },
];

/** @keel/train's plugin: metrics and callbacks. */
export const trainPlugin = definePlugin({ name: PACKAGE_NAME, version: VERSION, provides: { metric: metricEntries, callback: callbackEntries } });

/** Installs everything training needs into a registry: layers (with activations, initializers), losses, optimizers, metrics, callbacks. */
export function installTrain(registry: Registry = defaultRegistry): void {
  installLayers(registry);
  installLosses(registry);
  installOptimizers(registry);
  registry.use(trainPlugin);
}
