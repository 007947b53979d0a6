import { createActivation, type Activation } from '@keel/activations';
import { createInitializer } from '@keel/initializers';
import { add, matmul, type Tensor } from '@keel/tensor';
import { expectRank, Layer, type BuildContext, type LayerConfig, type LayerOptions, type PluginDependency } from './layer.js';
import { specId, type ActivationSpec, type InitializerSpec } from './specs.js';

export interface DenseOptions extends LayerOptions {
  units: number;
  /** Defaults to 'linear' (raw outputs, e.g. logits for a from-logits loss). */
  activation?: ActivationSpec;
  /**
   * Defaults to the activation's recommended initializer: He for the ReLU family, Glorot for
   * tanh/sigmoid/linear, LeCun for SELU — never one scale for everything (a sigmoid-scale init
   * starves a ReLU net; uniform(0, 1) weights explode it).
   */
  kernelInitializer?: InitializerSpec;
  /** Defaults to zeros. */
  biasInitializer?: InitializerSpec;
  /** Defaults to true. */
  useBias?: boolean;
}

/** A fully connected layer: activation(x · kernel + bias), kernel [in, units], bias [units]. */
export class Dense extends Layer {
  readonly type = 'dense';
  readonly units: number;
  private readonly options: DenseOptions;
  private activationFn: Activation | undefined;
  /** The initializer id actually used for the kernel (the activation's recommendation by default). */
  kernelInitializerId: string | undefined;

  constructor(options: DenseOptions) {
    super(options);
    if (!Number.isInteger(options.units) || options.units <= 0) {
      throw new RangeError(`${options.name ?? 'dense'}: units must be a positive integer, got ${String(options.units)}`);
    }
    this.units = options.units;
    this.options = { ...options };
  }

  /** The configured activation (available once built). */
  get activation(): Activation | undefined {
    return this.activationFn;
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length < 1) expectRank(this.label, inputShape, 1, 'features [batch, features]');
    return [...inputShape.slice(0, -1), this.units];
  }

  protected buildWeights(inputShape: readonly number[], context: BuildContext): void {
    const features = inputShape[inputShape.length - 1];
    const activation = createActivation(context.registry, this.options.activation ?? 'linear');
    this.activationFn = activation;
    const kernelSpec = this.options.kernelInitializer ?? activation.recommendedInitializer;
    this.kernelInitializerId = specId(kernelSpec as InitializerSpec);
    const kernelInit = createInitializer(context.registry, kernelSpec);
    this.addParam('kernel', kernelInit([features, this.units], { fanIn: features, fanOut: this.units, random: context.random, dtype: context.dtype }));
    if (this.options.useBias !== false) {
      const biasInit = createInitializer(context.registry, this.options.biasInitializer ?? 'zeros');
      this.addParam('bias', biasInit([this.units], { fanIn: features, fanOut: this.units, random: context.random, dtype: context.dtype }));
    }
  }

  protected call(x: Tensor): Tensor {
    let y = matmul(x, this.param('kernel'));
    if (this.options.useBias !== false) y = add(y, this.param('bias'));
    return this.activationFn!.apply(y);
  }

  config(): LayerConfig {
    const { name: _name, inputShape: _inputShape, ...rest } = this.options;
    return rest;
  }

  override dependencies(): PluginDependency[] {
    const deps: PluginDependency[] = [{ kind: 'activation', id: specId(this.options.activation ?? 'linear') }];
    if (this.kernelInitializerId !== undefined) deps.push({ kind: 'initializer', id: this.kernelInitializerId });
    deps.push({ kind: 'initializer', id: specId(this.options.biasInitializer ?? 'zeros') });
    return deps;
  }
}
