import { add, div, mean, mul, noGrad, ones, sqrt, square, sub, zeros, type Tensor } from '@keel/tensor';
import { declareOption, optionField } from '@keel/registry';
import { checkLayerOptions, declaredDefault } from './fields.js';
import { Layer, type BuildContext, type LayerConfig, type LayerOptions } from './layer.js';

const epsilonField = declareOption(optionField.number((v) => v > 0, '> 0'), 'added to the variance before its square root', 1e-5);

/** The options a BatchNorm layer accepts. */
export const BATCH_NORM_FIELDS = {
  momentum: declareOption(optionField.number((v) => v >= 0 && v < 1, 'in [0, 1)'), "the old value's weight in the running statistics (PyTorch's momentum 0.1 is 0.9 here)", 0.9),
  epsilon: epsilonField,
};

/** The options a LayerNorm layer accepts. */
export const LAYER_NORM_FIELDS = { epsilon: epsilonField };

export interface BatchNormOptions extends LayerOptions {
  /** Weight of the old value in the running statistics (PyTorch's momentum 0.1 is 0.9 here). */
  momentum?: number;
  epsilon?: number;
}

/**
 * Batch normalisation over the last axis (features of [batch, features], channels of NHWC
 * [batch, h, w, channels]): training uses the batch's statistics and updates running ones;
 * evaluation uses the running statistics.
 */
export class BatchNorm extends Layer {
  readonly type = 'batchNorm';
  readonly momentum: number;
  readonly epsilon: number;

  constructor(options: BatchNormOptions = {}) {
    checkLayerOptions('batchNorm', options, BATCH_NORM_FIELDS);
    super(options);
    this.momentum = options.momentum ?? declaredDefault<number>(BATCH_NORM_FIELDS.momentum);
    this.epsilon = options.epsilon ?? declaredDefault<number>(BATCH_NORM_FIELDS.epsilon);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  override weightShapes(inputShape: readonly number[]): Record<string, number[]> {
    const channels = [inputShape[inputShape.length - 1]];
    return { gamma: channels, beta: channels, movingMean: channels, movingVariance: channels };
  }

  protected buildWeights(inputShape: readonly number[], context: BuildContext): void {
    const channels = inputShape[inputShape.length - 1];
    const dtype = context.dtype;
    this.addParam('gamma', ones([channels], { dtype }));
    this.addParam('beta', zeros([channels], { dtype }));
    this.addBuffer('movingMean', zeros([channels], { dtype }));
    this.addBuffer('movingVariance', ones([channels], { dtype }));
  }

  protected call(x: Tensor): Tensor {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    let batchMean: Tensor;
    let batchVariance: Tensor;
    if (this.training) {
      batchMean = mean(x, { axis: axes });
      batchVariance = mean(square(sub(x, batchMean)), { axis: axes });
      noGrad(() => {
        const m = this.momentum;
        const movingMean = this.buffer('movingMean');
        const movingVariance = this.buffer('movingVariance');
        movingMean.assign(add(mul(movingMean, m), mul(batchMean, 1 - m)));
        movingVariance.assign(add(mul(movingVariance, m), mul(batchVariance, 1 - m)));
      });
    } else {
      batchMean = this.buffer('movingMean');
      batchVariance = this.buffer('movingVariance');
    }
    const normalized = div(sub(x, batchMean), sqrt(add(batchVariance, this.epsilon)));
    return add(mul(normalized, this.param('gamma')), this.param('beta'));
  }

  config(): LayerConfig {
    return { momentum: this.momentum, epsilon: this.epsilon };
  }
}

export interface LayerNormOptions extends LayerOptions {
  epsilon?: number;
}

/** Layer normalisation: each example normalised over its last axis, then scaled and shifted. */
export class LayerNorm extends Layer {
  readonly type = 'layerNorm';
  readonly epsilon: number;

  constructor(options: LayerNormOptions = {}) {
    checkLayerOptions('layerNorm', options, LAYER_NORM_FIELDS);
    super(options);
    this.epsilon = options.epsilon ?? declaredDefault<number>(LAYER_NORM_FIELDS.epsilon);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  override weightShapes(inputShape: readonly number[]): Record<string, number[]> {
    const features = [inputShape[inputShape.length - 1]];
    return { gamma: features, beta: features };
  }

  protected buildWeights(inputShape: readonly number[], context: BuildContext): void {
    const features = inputShape[inputShape.length - 1];
    this.addParam('gamma', ones([features], { dtype: context.dtype }));
    this.addParam('beta', zeros([features], { dtype: context.dtype }));
  }

  protected call(x: Tensor): Tensor {
    const mu = mean(x, { axis: -1, keepDims: true });
    const centered = sub(x, mu);
    const variance = mean(square(centered), { axis: -1, keepDims: true });
    const normalized = div(centered, sqrt(add(variance, this.epsilon)));
    return add(mul(normalized, this.param('gamma')), this.param('beta'));
  }

  config(): LayerConfig {
    return { epsilon: this.epsilon };
  }
}

