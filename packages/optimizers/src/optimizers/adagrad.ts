import { chain } from '../transforms/chain.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import { scaleByRss, type RssOptions } from '../transforms/scale-by-rss.js';
import type { GradientTransformation, Schedule } from '../types.js';
import { learningRate } from '../validate.js';

export interface AdagradOptions extends RssOptions {
  /** Default 1e-2: the accumulated squares shrink steps over time, so it starts larger than Adam. */
  readonly lr?: number | Schedule;
}

/** Adagrad: divide by the root of all squared gradients so far, then −lr. */
export function adagrad(options: AdagradOptions = {}): GradientTransformation {
  return chain(scaleByRss(options), scaleByLearningRate(learningRate('adagrad', options.lr ?? 1e-2)));
}
