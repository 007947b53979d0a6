export { fans, type InitContext, type Initializer, type InitializerEntry } from './initializer.js';
export { InitializerConfigError, initializerOptions, type InitializerConfig } from './config.js';
export {
  createInitializer,
  initializerFromEntry,
  type ConfiguredInitializer,
  type InitializerId,
  type InitializerSpec,
} from './create.js';
export { DISTRIBUTIONS, FAN_MODES, builtinInitializers, varianceScaling, type BuiltinInitializerId, type Distribution, type FanMode } from './entries.js';
export { TRUNCATED_NORMAL_STD, truncatedUnitNormal } from './sampling.js';
export { calculateGain, recommendedInitializerFor } from './gain.js';
export { initContext } from './context.js';
export { initializersPlugin, installInitializers } from './plugin.js';
export { PACKAGE_NAME, VERSION } from './version.js';
