import type { Tensor} from '@keel/tensor';
import { div, mul, noGrad, Random, uniform, greaterEqual } from '@keel/tensor';
import { declareOption, optionField } from '@keel/registry';
import { checkLayerOptions } from './fields.js';
import { Layer, type BuildContext, type LayerConfig, type LayerOptions } from './layer.js';

export interface DropoutOptions extends LayerOptions {
  /** Fraction of units zeroed in training, in [0, 1). */
  rate: number;
}

/** The options a Dropout layer accepts. */
export const DROPOUT_FIELDS = { rate: declareOption(optionField.number((v) => v >= 0 && v < 1, 'in [0, 1)', true), 'the fraction of units zeroed in training') };

/**
 * Inverted dropout: in training, zeroes each unit with probability `rate` and scales the rest
 * by 1/(1 − rate) so the expected activation is unchanged; in evaluation it is the identity.
 */
export class Dropout extends Layer {
  readonly type = 'dropout';
  readonly rate: number;
  private random = new Random(0);

  constructor(options: DropoutOptions) {
    checkLayerOptions('dropout', options, DROPOUT_FIELDS);
    super(options);
    this.rate = options.rate;
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  override weightShapes(): Record<string, number[]> {
    return {};
  }

  protected buildWeights(_inputShape: readonly number[], context: BuildContext): void {
    this.random = context.random.fork();
  }

  protected call(x: Tensor): Tensor {
    if (!this.training || this.rate === 0) return x;
    const keep = noGrad(() => greaterEqual(uniform(x.shape, 0, 1, { random: this.random, dtype: x.dtype }), this.rate));
    return div(mul(x, keep), 1 - this.rate);
  }

  config(): LayerConfig {
    return { rate: this.rate };
  }
}
