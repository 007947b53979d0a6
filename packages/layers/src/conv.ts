import type { Activation } from '@keel/activations';
import { add, avgPool2d, biasActivation, conv2d, engine, maxPool2d, windowGeometry, type Padding, type Tensor } from '@keel/tensor';
import { expectRank, Layer, type BuildContext, type LayerConfig, type LayerOptions, type PluginDependency } from './layer.js';
import type { ActivationSpec, InitializerSpec } from './specs.js';
import { declareOption } from '@keel/registry';
import { checkLayerOptions, declaredDefault, dimField, pairField, paddingField, WEIGHTED_FIELDS } from './fields.js';
import { checkWeightedReferences, createWeights, weightedConfig, weightedDependencies } from './weights.js';
import type { Registry } from '@keel/registry';

type Pair = number | readonly [number, number];

function pair(value: Pair): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

export interface Conv2DOptions extends LayerOptions {
  filters: number;
  kernelSize: Pair;
  strides?: Pair;
  /** 'valid' (default) or 'same'. */
  padding?: Padding;
  activation?: ActivationSpec;
  /** Defaults to the activation's recommended initializer (He for ReLU). */
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  useBias?: boolean;
}

/** The options a Conv2D layer accepts. */
export const CONV2D_FIELDS = {
  filters: declareOption(dimField(true), 'the number of output channels'),
  kernelSize: declareOption(pairField(true), 'the window: n (n × n) or [rows, cols]'),
  strides: declareOption(pairField(), 'the step between windows: n or [rows, cols]', 1),
  padding: declareOption(paddingField, "'valid': windows inside the image; 'same': zero-padded so the output is the input's size divided by the stride", 'valid'),
  ...WEIGHTED_FIELDS,
};

/** The options a pooling layer accepts. */
export const POOL2D_FIELDS = {
  poolSize: declareOption(pairField(), 'the window: n (n × n) or [rows, cols]', 2),
  strides: declareOption(pairField(), 'the step between windows (default: the pool size)'),
  padding: declareOption(paddingField, "'valid': windows inside the image; 'same': zero-padded so the output is the input's size divided by the stride", 'valid'),
};

/** 2-D convolution over NHWC input [batch, height, width, channels]; kernel [kh, kw, in, filters]. */
export class Conv2D extends Layer {
  readonly type = 'conv2d';
  private readonly options: Conv2DOptions;
  private activationFn: Activation | undefined;
  kernelInitializerId: string | undefined;

  constructor(options: Conv2DOptions) {
    checkLayerOptions('conv2d', options, CONV2D_FIELDS);
    super(options);
    this.options = { ...options };
  }

  get activation(): Activation | undefined {
    return this.activationFn;
  }

  outputShape(inputShape: readonly number[]): number[] {
    expectRank(this.label, inputShape, 3, 'images [batch, height, width, channels]');
    const g = windowGeometry(this.label, [1, ...inputShape], pair(this.options.kernelSize), { strides: this.options.strides ?? declaredDefault<Pair>(CONV2D_FIELDS.strides), padding: this.options.padding ?? declaredDefault<Padding>(CONV2D_FIELDS.padding) }, [1, 1]);
    return [g.outH, g.outW, this.options.filters];
  }

  override weightShapes(inputShape: readonly number[]): Record<string, number[]> {
    const [kh, kw] = pair(this.options.kernelSize);
    const { filters } = this.options;
    return { kernel: [kh, kw, inputShape[2], filters], ...(this.options.useBias === false ? {} : { bias: [filters] }) };
  }

  override checkReferences(registry: Registry): void {
    checkWeightedReferences(this.label, this.options, registry);
  }

  protected buildWeights(inputShape: readonly number[], context: BuildContext): void {
    const [kh, kw] = pair(this.options.kernelSize);
    const channels = inputShape[2];
    const filters = this.options.filters;
    const weights = createWeights(this.options, context, { kernel: [kh, kw, channels, filters], bias: [filters] }, kh * kw * channels, kh * kw * filters);
    this.activationFn = weights.activation;
    this.kernelInitializerId = weights.kernelInitializerId;
    this.addParam('kernel', weights.kernel);
    if (weights.bias !== undefined) this.addParam('bias', weights.bias);
  }

  protected call(x: Tensor): Tensor {
    const activation = this.activationFn!;
    const z = conv2d(x, this.param('kernel'), { strides: this.options.strides ?? declaredDefault<Pair>(CONV2D_FIELDS.strides), padding: this.options.padding ?? declaredDefault<Padding>(CONV2D_FIELDS.padding) });
    const bias = this.options.useBias !== false ? this.param('bias') : null;
    // Bias and activation in one pass (as Dense fuses them) unless an op hook watches: diagnostics
    // read the pre-activation, which the fused kernel never makes into a tensor.
    if (activation.fused !== undefined && engine.hooks.length === 0) return biasActivation(z, bias, activation.fused);
    return activation.apply(bias === null ? z : add(z, bias));
  }

  config(): LayerConfig {
    return weightedConfig(this.options);
  }

  override dependencies(): PluginDependency[] {
    return weightedDependencies(this.options, this.kernelInitializerId);
  }
}

export interface Pool2DOptions extends LayerOptions {
  poolSize?: Pair;
  /** Defaults to the pool size. */
  strides?: Pair;
  padding?: Padding;
}

abstract class Pool2D extends Layer {
  protected readonly poolSize: [number, number];
  protected readonly strides: [number, number];
  protected readonly padding: Padding;

  constructor(type: string, options: Pool2DOptions = {}) {
    checkLayerOptions(type, options, POOL2D_FIELDS);
    super(options);
    this.poolSize = pair(options.poolSize ?? declaredDefault<Pair>(POOL2D_FIELDS.poolSize));
    this.strides = pair(options.strides ?? this.poolSize);
    this.padding = options.padding ?? declaredDefault<Padding>(POOL2D_FIELDS.padding);
  }

  outputShape(inputShape: readonly number[]): number[] {
    expectRank(this.label, inputShape, 3, 'images [batch, height, width, channels]');
    const g = windowGeometry(this.label, [1, ...inputShape], this.poolSize, { strides: this.strides, padding: this.padding }, this.poolSize);
    return [g.outH, g.outW, inputShape[2]];
  }

  override weightShapes(): Record<string, number[]> {
    return {};
  }

  protected buildWeights(): void {}

  config(): LayerConfig {
    return { poolSize: [...this.poolSize], strides: [...this.strides], padding: this.padding };
  }
}

/** Max over each window (NHWC). */
export class MaxPool2D extends Pool2D {
  readonly type = 'maxPool2d';

  constructor(options: Pool2DOptions = {}) {
    super('maxPool2d', options);
  }

  protected call(x: Tensor): Tensor {
    return maxPool2d(x, this.poolSize, { strides: this.strides, padding: this.padding });
  }
}

/** Mean over each window (NHWC). */
export class AvgPool2D extends Pool2D {
  readonly type = 'avgPool2d';

  constructor(options: Pool2DOptions = {}) {
    super('avgPool2d', options);
  }

  protected call(x: Tensor): Tensor {
    return avgPool2d(x, this.poolSize, { strides: this.strides, padding: this.padding });
  }
}
