import { integerOption, numberOption, seedOption } from './options.js';
import { PointWriter, splitEvenly, type PointSet } from './points.js';
import { Rng } from './random.js';

export interface BlobOptions {
  /** Number of points (default 200). */
  readonly n?: number;
  /** How many blobs (drawn uniformly in [-10, 10]²), or their centres (default 3). */
  readonly centers?: number | readonly (readonly [number, number])[];
  /** Standard deviation of each blob (default 1). */
  readonly std?: number;
  readonly seed?: number;
}

/** Gaussian blobs, one class each (as scikit-learn's make_blobs). The centres used are returned too. */
export function blobs(options: BlobOptions = {}): PointSet & { readonly centers: [number, number][] } {
  const std = numberOption('std', options.std, 1, (v) => v >= 0, 'a number >= 0');
  const rng = new Rng(seedOption(options.seed));
  const centers = centersOf(options.centers, rng);
  const n = integerOption('n', options.n, 200, centers.length);
  const out = new PointWriter(n, centers.length);
  splitEvenly(n, centers.length).forEach((count, k) => {
    const [cx, cy] = centers[k];
    for (let i = 0; i < count; i++) out.add(cx + std * rng.normal(), cy + std * rng.normal(), k);
  });
  return { ...out.shuffled(rng), centers };
}

function centersOf(value: BlobOptions['centers'], rng: Rng): [number, number][] {
  if (typeof value === 'object') {
    if (value.length < 1 || value.length > 256) throw new RangeError(`centers must list 1 to 256 points, got ${value.length}`);
    return value.map((c, i) => {
      if (c.length !== 2 || !c.every(Number.isFinite)) throw new RangeError(`centers[${i}] must be two finite numbers [x, y]`);
      return [c[0], c[1]];
    });
  }
  const count = integerOption('centers', value, 3, 1, 256);
  return Array.from({ length: count }, () => [rng.uniform(-10, 10), rng.uniform(-10, 10)]);
}
