import { formatShape, reshape, ShapeError, type Tensor } from '@keel/tensor';
import { declareOption } from '@keel/registry';
import { checkLayerOptions, MAX_DIM } from './fields.js';
import { Layer, type LayerConfig, type LayerOptions } from './layer.js';

/** The options a Reshape layer accepts: a target shape of sizes, one of which may be -1. */
export const RESHAPE_FIELDS = {
  targetShape: declareOption(
    {
      expected: `a list of positive integers up to ${MAX_DIM}, at most one of them -1`,
      required: true,
      accepts: (v: unknown) =>
        Array.isArray(v) && v.every((d) => Number.isInteger(d) && (d === -1 || ((d as number) >= 1 && (d as number) <= MAX_DIM))) && v.filter((d) => d === -1).length <= 1,
    },
    'the shape of each example after it (batch left out; one size may be -1, inferred)',
  ),
};

/** [batch, ...] to [batch, product of the rest]: between conv and dense layers. */
export class Flatten extends Layer {
  readonly type = 'flatten';

  constructor(options: LayerOptions = {}) {
    checkLayerOptions('flatten', options, {});
    super(options);
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [inputShape.reduce((a, b) => a * b, 1)];
  }

  override weightShapes(): Record<string, number[]> {
    return {};
  }

  protected buildWeights(): void {}

  protected call(x: Tensor): Tensor {
    return reshape(x, [x.shape[0], -1]);
  }

  config(): LayerConfig {
    return {};
  }
}

export interface ReshapeOptions extends LayerOptions {
  /** The per-example target shape; one dim may be -1. */
  targetShape: readonly number[];
}

/** Reshapes each example (the batch dim is kept). */
export class Reshape extends Layer {
  readonly type = 'reshape';
  readonly targetShape: readonly number[];

  constructor(options: ReshapeOptions) {
    checkLayerOptions('reshape', options, RESHAPE_FIELDS);
    super(options);
    this.targetShape = [...options.targetShape];
  }

  outputShape(inputShape: readonly number[]): number[] {
    const size = inputShape.reduce((a, b) => a * b, 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const out = this.targetShape.map((d) => (d === -1 ? size / known : d));
    if (out.reduce((a, b) => a * b, 1) !== size || out.some((d) => !Number.isInteger(d))) {
      throw new ShapeError(this.label, `cannot reshape examples of shape ${formatShape(inputShape)} to ${formatShape(this.targetShape)}`);
    }
    return out;
  }

  override weightShapes(): Record<string, number[]> {
    return {};
  }

  protected buildWeights(): void {}

  protected call(x: Tensor): Tensor {
    return reshape(x, [x.shape[0], ...this.targetShape]);
  }

  config(): LayerConfig {
    return { targetShape: [...this.targetShape] };
  }
}
