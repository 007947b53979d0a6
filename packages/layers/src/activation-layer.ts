import { createActivation, type Activation } from '@keel/activations';
import type { Tensor } from '@keel/tensor';
import { Layer, type BuildContext, type LayerConfig, type LayerOptions, type PluginDependency } from './layer.js';
import { specId, type ActivationSpec } from './specs.js';

export interface ActivationLayerOptions extends LayerOptions {
  activation: ActivationSpec;
}

/** Applies an activation on its own (after a BatchNorm, say). */
export class ActivationLayer extends Layer {
  readonly type = 'activation';
  private readonly spec: ActivationSpec;
  private fn: Activation | undefined;

  constructor(options: ActivationLayerOptions) {
    super(options);
    this.spec = options.activation;
  }

  get activation(): Activation | undefined {
    return this.fn;
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
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
