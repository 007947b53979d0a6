import { integerOption, noiseOption, seedOption } from './options.js';
import { PointWriter, splitEvenly, type PointOptions, type PointSet } from './points.js';
import { Rng } from './random.js';

export interface SpiralOptions extends PointOptions {
  /** Number of arms, one class each (default 3). */
  readonly classes?: number;
}

/**
 * Interleaved spiral arms (the CS231n toy problem): arm k starts at the origin and sweeps
 * 4 radians outwards to radius 1, rotated by 2πk/classes. Defaults: n 300, classes 3, noise 0.05.
 */
export function spirals(options: SpiralOptions = {}): PointSet {
  const classes = integerOption('classes', options.classes, 3, 2, 256);
  const n = integerOption('n', options.n, 300, classes);
  const noise = noiseOption(options.noise, 0.05);
  const rng = new Rng(seedOption(options.seed));
  const out = new PointWriter(n, classes);
  splitEvenly(n, classes).forEach((count, k) => {
    for (let i = 0; i < count; i++) {
      const r = i / count;
      const t = (2 * Math.PI * k) / classes + 4 * r;
      out.add(r * Math.sin(t) + noise * rng.normal(), r * Math.cos(t) + noise * rng.normal(), k);
    }
  });
  return out.shuffled(rng);
}
