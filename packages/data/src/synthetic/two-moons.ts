import { integerOption, noiseOption, seedOption } from './options.js';
import { PointWriter, splitEvenly, type PointOptions, type PointSet } from './points.js';
import { Rng } from './random.js';

/**
 * Two interleaving half circles (as scikit-learn's make_moons): class 0 is the upper moon
 * centred at (0, 0), class 1 the lower one centred at (1, 0.5). Defaults: n 200, noise 0.1.
 */
export function twoMoons(options: PointOptions = {}): PointSet {
  const n = integerOption('n', options.n, 200, 2);
  const noise = noiseOption(options.noise, 0.1);
  const rng = new Rng(seedOption(options.seed));
  const out = new PointWriter(n, 2);
  const [upper, lower] = splitEvenly(n, 2);
  for (let i = 0; i < upper; i++) {
    const t = (Math.PI * i) / Math.max(1, upper - 1);
    out.add(Math.cos(t) + noise * rng.normal(), Math.sin(t) + noise * rng.normal(), 0);
  }
  for (let i = 0; i < lower; i++) {
    const t = (Math.PI * i) / Math.max(1, lower - 1);
    out.add(1 - Math.cos(t) + noise * rng.normal(), 0.5 - Math.sin(t) + noise * rng.normal(), 1);
  }
  return out.shuffled(rng);
}
