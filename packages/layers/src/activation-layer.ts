import { createActivation, type Activation } from '@keel/activations';
import type { Tensor } from '@keel/tensor';
import { Layer, type BuildContext, type LayerConfig, type LayerOptions, type PluginDependency } from './layer.js';
import type { Registry } from '@keel/registry';
import { declareOption } from '@keel/registry';
import { activationField, checkLayerOptions, checkReference } from './fields.js';
import { specId, type ActivationSpec } from './specs.js';

export interface ActivationLayerOptions extends LayerOptions {
  activation: ActivationSpec;
}

/** The options an Activation layer accepts. */
export const ACTIVATION_LAYER_FIELDS = { activation: declareOption(activationField(true), 'the activation: an id, or { id, ...options }') };

/** Applies an activation on its own (after a BatchNorm, say). */
export class ActivationLayer extends Layer {
  readonly type = 'activation';
  private readonly spec: ActivationSpec;
  private fn: Activation | undefined;

  constructor(options: ActivationLayerOptions) {
    checkLayerOptions('activation', options, ACTIVATION_LAYER_FIELDS);
    super(options);
    this.spec = options.activation;
  }

  get activation(): Activation | undefined {
    return this.fn;
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  override weightShapes(): Record<string, number[]> {
    return {};
  }

  override checkReferences(registry: Registry): void {
    checkReference(this.label, 'activation', this.spec, () => createActivation(registry, this.spec));
  }

  protected buildWeights(_inputShape: readonly number[], context: BuildContext): void {
    this.fn = createActivation(context.registry, this.spec);
  }

  protected call(x: Tensor): Tensor {
    return this.fn!.apply(x);
  }

  config(): LayerConfig {
    return { activation: this.spec };
  }

  override dependencies(): PluginDependency[] {
    return [{ kind: 'activation', id: specId(this.spec) }];
  }
}
