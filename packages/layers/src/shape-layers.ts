import { formatShape, reshape, ShapeError, type Tensor } from '@keel/tensor';
import { Layer, type LayerConfig, type LayerOptions } from './layer.js';

/** [batch, ...] to [batch, product of the rest]: between conv and dense layers. */
export class Flatten extends Layer {
  readonly type = 'flatten';

  outputShape(inputShape: readonly number[]): number[] {
    return [inputShape.reduce((a, b) => a * b, 1)];
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

  protected buildWeights(): void {}

  protected call(x: Tensor): Tensor {
    return reshape(x, [x.shape[0], ...this.targetShape]);
  }

  config(): LayerConfig {
    return { targetShape: [...this.targetShape] };
  }
}
