/**
 * A small seedable PRNG (mulberry32: 32 bits of state, fast, passes the usual statistical tests;
 * not for cryptography). The same seed always gives the same sequence, on every platform.
 */
export class Rng {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`a seed is an integer, got ${seed}`);
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal, by Box–Muller; each pair of uniforms gives two normals, the second is kept. */
  normal(): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return value;
    }
    const u1 = 1 - this.next(); // in (0, 1], so the log is finite
    const u2 = this.next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Uint32Array {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
