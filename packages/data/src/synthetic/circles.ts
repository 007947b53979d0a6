import { integerOption, noiseOption, numberOption, seedOption } from './options.js';
import { PointWriter, splitEvenly, type PointOptions, type PointSet } from './points.js';
import { Rng } from './random.js';

export interface CircleOptions extends PointOptions {
  /** Radius of the inner circle relative to the outer one, in (0, 1) (default 0.5). */
  readonly factor?: number;
}

/**
 * A circle inside another (as scikit-learn's make_circles): class 0 on the unit circle,
 * class 1 on a circle of radius `factor`. Defaults: n 200, noise 0.05, factor 0.5.
 */
export function circles(options: CircleOptions = {}): PointSet {
  const n = integerOption('n', options.n, 200, 2);
  const noise = noiseOption(options.noise, 0.05);
  const factor = numberOption('factor', options.factor, 0.5, (v) => v > 0 && v < 1, 'between 0 and 1 (exclusive)');
  const rng = new Rng(seedOption(options.seed));
  const out = new PointWriter(n, 2);
  splitEvenly(n, 2).forEach((count, label) => {
    const radius = label === 0 ? 1 : factor;
    for (let i = 0; i < count; i++) {
      const t = (2 * Math.PI * i) / count;
      out.add(radius * Math.cos(t) + noise * rng.normal(), radius * Math.sin(t) + noise * rng.normal(), label);
    }
  });
  return out.shuffled(rng);
}
