import type { Rng } from './random.js';

/** A 2-D classification set: `x` holds n points as [x0, y0, x1, y1, ...], `y` their labels. */
export interface PointSet {
  readonly x: Float32Array;
  readonly shape: [n: number, features: 2];
  readonly y: Uint8Array;
  readonly classes: number;
}

/** Options every generated set takes. */
export interface PointOptions {
  /** Number of points. */
  readonly n?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. */
  readonly noise?: number;
  /** Same seed, same points (default 0). */
  readonly seed?: number;
}

/** Collects points class by class, then shuffles them so any prefix of the set mixes the classes. */
export class PointWriter {
  private readonly x: Float32Array;
  private readonly y: Uint8Array;
  private count = 0;

  constructor(
    private readonly n: number,
    private readonly classes: number,
  ) {
    this.x = new Float32Array(2 * n);
    this.y = new Uint8Array(n);
  }

  add(px: number, py: number, label: number): void {
    this.x[2 * this.count] = px;
    this.x[2 * this.count + 1] = py;
    this.y[this.count] = label;
    this.count++;
  }

  shuffled(rng: Rng): PointSet {
    const order = rng.permutation(this.n);
    const x = new Float32Array(2 * this.n);
    const y = new Uint8Array(this.n);
    order.forEach((from, to) => {
      x[2 * to] = this.x[2 * from];
      x[2 * to + 1] = this.x[2 * from + 1];
      y[to] = this.y[from];
    });
    return { x, shape: [this.n, 2], y, classes: this.classes };
  }
}

/** n split into `parts` counts that differ by at most one, so classes are balanced. */
export function splitEvenly(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
}
