import { ActivationError, createActivation, type Activation } from '@keel/activations';
import { createInitializer } from '@keel/initializers';
import { pluginLabel, type Registry } from '@keel/registry';
import { engine, type Tensor } from '@keel/tensor';
import { checkReference, declaredDefault, WEIGHTED_FIELDS } from './fields.js';
import type { BuildContext, LayerConfig, LayerOptions, PluginDependency } from './layer.js';
import { specId, type ActivationSpec, type InitializerSpec } from './specs.js';

/** What Dense and Conv2D share: an activation, a kernel initialised for it, an optional bias. */
export interface WeightedOptions extends LayerOptions {
  activation?: ActivationSpec;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  useBias?: boolean;
}

export interface CreatedWeights {
  readonly activation: Activation;
  /** The initializer id used for the kernel: the given one, or the activation's recommendation. */
  readonly kernelInitializerId: string;
  readonly kernel: Tensor;
  readonly bias: Tensor | undefined;
}

/** The activation and bias initializer a weighted layer uses where its options leave them out. */
const DEFAULT_ACTIVATION = declaredDefault<ActivationSpec>(WEIGHTED_FIELDS.activation);
const DEFAULT_BIAS = declaredDefault<InitializerSpec>(WEIGHTED_FIELDS.biasInitializer);

/**
 * The kernel initializer: the one given, else the one the activation recommends — which must be
 * registered. A plugin's `meta().recommendedInitializer` naming an unknown id is the plugin's
 * mistake, named as such, not an "unknown initializer" error that reads as if the user passed it.
 * Checked here, when the layer is built, since initializers may be installed after activations.
 */
function kernelInitializerOf(owner: string, options: WeightedOptions, activation: Activation, registry: Registry): InitializerSpec {
  if (options.kernelInitializer !== undefined) return options.kernelInitializer;
  const id = activation.recommendedInitializer;
  if (registry.isId('initializer', id)) return id;
  const plugin = registry.has('activation', activation.id) ? pluginLabel(registry.describe('activation', activation.id).plugin) : undefined;
  throw new ActivationError(
    `${owner}: activation '${activation.id}'${plugin === undefined ? '' : ` (${plugin})`}: meta().recommendedInitializer '${id}' is not a registered initializer ` +
      `(registered: ${registry.list('initializer').join(', ') || 'none'}); install the plugin that provides it, or pass kernelInitializer`,
    activation.id,
    plugin,
    owner,
  );
}

/**
 * Resolves the activation and creates kernel and bias. The kernel defaults to the initializer
 * the activation recommends (He for ReLU, Glorot for tanh ...), never one scale for everything.
 */
export function createWeights(options: WeightedOptions, context: BuildContext, shapes: { kernel: number[]; bias: number[] }, fanIn: number, fanOut: number): CreatedWeights {
  const activation = createActivation(context.registry, options.activation ?? DEFAULT_ACTIVATION);
  // built inside the layer's scope (Layer.build), so the engine's scope names it
  const kernelSpec = kernelInitializerOf(engine.scope === '' ? 'layer' : engine.scope, options, activation, context.registry);
  const init = { fanIn, fanOut, random: context.random, dtype: context.dtype };
  const kernel = createInitializer(context.registry, kernelSpec)(shapes.kernel, init);
  const bias = options.useBias === false ? undefined : createInitializer(context.registry, options.biasInitializer ?? DEFAULT_BIAS)(shapes.bias, init);
  return { activation, kernelInitializerId: specId(kernelSpec), kernel, bias };
}

/**
 * Resolves and configures the activation and initializers the options name, without making any
 * weights, so an unknown id or option is reported with the option it came from.
 */
export function checkWeightedReferences(owner: string, options: WeightedOptions, registry: Registry): void {
  const activation = options.activation ?? DEFAULT_ACTIVATION;
  checkReference(owner, 'activation', activation, () => createActivation(registry, activation));
  for (const key of ['kernelInitializer', 'biasInitializer'] as const) {
    const spec = options[key];
    if (spec !== undefined) checkReference(owner, key, spec, () => createInitializer(registry, spec));
  }
}

/** The config of a weighted layer: its options without name and input shape. */
export function weightedConfig(options: WeightedOptions): LayerConfig {
  const { name: _name, inputShape: _inputShape, ...rest } = options;
  return rest;
}

/** The activation and initializers a weighted layer needs to be rebuilt. */
export function weightedDependencies(options: WeightedOptions, kernelInitializerId: string | undefined): PluginDependency[] {
  const deps: PluginDependency[] = [{ kind: 'activation', id: specId(options.activation ?? DEFAULT_ACTIVATION) }];
  if (kernelInitializerId !== undefined) deps.push({ kind: 'initializer', id: kernelInitializerId });
  deps.push({ kind: 'initializer', id: specId(options.biasInitializer ?? DEFAULT_BIAS) });
  return deps;
}
