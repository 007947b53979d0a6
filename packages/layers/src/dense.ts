import type { Activation } from '@keel/activations';
import { add, dense, engine, matmul, type Tensor } from '@keel/tensor';
import { expectRank, Layer, type BuildContext, type LayerConfig, type LayerOptions, type PluginDependency } from './layer.js';
import type { ActivationSpec, InitializerSpec } from './specs.js';
import { declareOption } from '@keel/registry';
import { checkLayerOptions, dimField, WEIGHTED_FIELDS } from './fields.js';
import { checkWeightedReferences, createWeights, weightedConfig, weightedDependencies } from './weights.js';
import type { Registry } from '@keel/registry';

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

/** The options a Dense layer accepts (its constructor and saved configs are checked against them). */
export const DENSE_FIELDS = { units: declareOption(dimField(true), 'the number of outputs'), ...WEIGHTED_FIELDS };

/** A fully connected layer: activation(x · kernel + bias), kernel [in, units], bias [units]. */
export class Dense extends Layer {
  readonly type = 'dense';
  readonly units: number;
  private readonly options: DenseOptions;
  private activationFn: Activation | undefined;
  /** The initializer id actually used for the kernel (the activation's recommendation by default). */
  kernelInitializerId: string | undefined;

  constructor(options: DenseOptions) {
    checkLayerOptions('dense', options, DENSE_FIELDS);
    super(options);
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

  override weightShapes(inputShape: readonly number[]): Record<string, number[]> {
    const features = inputShape[inputShape.length - 1];
    return { kernel: [features, this.units], ...(this.options.useBias === false ? {} : { bias: [this.units] }) };
  }

  override checkReferences(registry: Registry): void {
    checkWeightedReferences(this.label, this.options, registry);
  }

  protected buildWeights(inputShape: readonly number[], context: BuildContext): void {
    const features = inputShape[inputShape.length - 1];
    const weights = createWeights(this.options, context, { kernel: [features, this.units], bias: [this.units] }, features, this.units);
    this.activationFn = weights.activation;
    this.kernelInitializerId = weights.kernelInitializerId;
    this.addParam('kernel', weights.kernel);
    if (weights.bias !== undefined) this.addParam('bias', weights.bias);
  }

  protected call(x: Tensor): Tensor {
    const activation = this.activationFn!;
    const bias = this.options.useBias !== false ? this.param('bias') : null;
    // Fused (two kernels instead of three ops) unless an op hook watches: diagnostics read the
    // pre-activation z, which the fused kernels never make into a tensor.
    if (activation.fused !== undefined && engine.hooks.length === 0) return dense(x, this.param('kernel'), bias, activation.fused);
    const z = matmul(x, this.param('kernel'));
    return activation.apply(bias === null ? z : add(z, bias));
  }

  config(): LayerConfig {
    return weightedConfig(this.options);
  }

  override dependencies(): PluginDependency[] {
    return weightedDependencies(this.options, this.kernelInitializerId);
  }
}
