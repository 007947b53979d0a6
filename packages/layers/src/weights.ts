import { createActivation, type Activation } from '@keel/activations';
import { createInitializer } from '@keel/initializers';
import type { Registry } from '@keel/registry';
import type { Tensor } from '@keel/tensor';
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
 * Resolves the activation and creates kernel and bias. The kernel defaults to the initializer
 * the activation recommends (He for ReLU, Glorot for tanh ...), never one scale for everything.
 */
export function createWeights(options: WeightedOptions, context: BuildContext, shapes: { kernel: number[]; bias: number[] }, fanIn: number, fanOut: number): CreatedWeights {
  const activation = createActivation(context.registry, options.activation ?? DEFAULT_ACTIVATION);
  const kernelSpec = options.kernelInitializer ?? activation.recommendedInitializer;
  const init = { fanIn, fanOut, random: context.random, dtype: context.dtype };
  const kernel = createInitializer(context.registry, kernelSpec)(shapes.kernel, init);
  const bias = options.useBias === false ? undefined : createInitializer(context.registry, options.biasInitializer ?? DEFAULT_BIAS)(shapes.bias, init);
  return { activation, kernelInitializerId: specId(kernelSpec as InitializerSpec), kernel, bias };
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
