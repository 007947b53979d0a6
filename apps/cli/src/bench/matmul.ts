// matmul GFLOP/s per shape, forward and the transposed shapes a dense layer's backward pass needs.
import { matmul, randn, setBackend, timeCalls } from '@keel/tensor';
import type { Tf } from './tfjs.js';

export interface MatmulShape {
  readonly label: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

const shape = (label: string, m: number, k: number, n: number, transposeA = false, transposeB = false): MatmulShape => ({ label, m, k, n, transposeA, transposeB });

export const MATMUL_SHAPES: readonly MatmulShape[] = [
  shape('64x784x128', 64, 784, 128),
  shape('128x784x512', 128, 784, 512),
  shape('128x512x512', 128, 512, 512),
  shape('512x512x512', 512, 512, 512),
  shape('dW 784x128x512 (Aᵀ)', 784, 128, 512, true, false),
  shape('dX 128x512x784 (Bᵀ)', 128, 512, 784, false, true),
];

/** Calls per second of `fn`: its best of 3 rounds of at least `minSeconds / 3` each, after a warm-up. */
const rate = (fn: () => void, minSeconds: number): number => 1 / timeCalls(fn, minSeconds).best;

const flop = (s: MatmulShape): number => 2 * s.m * s.k * s.n;

export function keelMatmulGflops(backend: string, minSeconds: number): number[] {
  setBackend(backend);
  return MATMUL_SHAPES.map((s) => {
    const a = randn(s.transposeA ? [s.k, s.m] : [s.m, s.k], { seed: 1 });
    const b = randn(s.transposeB ? [s.n, s.k] : [s.k, s.n], { seed: 2 });
    const perSecond = rate(() => matmul(a, b, { transposeA: s.transposeA, transposeB: s.transposeB }).dispose(), minSeconds);
    a.dispose();
    b.dispose();
    return (perSecond * flop(s)) / 1e9;
  });
}

export function tfjsMatmulGflops(tf: Tf, minSeconds: number): number[] {
  return MATMUL_SHAPES.map((s) => {
    const a = tf.randomNormal(s.transposeA ? [s.k, s.m] : [s.m, s.k]);
    const b = tf.randomNormal(s.transposeB ? [s.n, s.k] : [s.k, s.n]);
    const perSecond = rate(() => tf.matMul(a, b, s.transposeA, s.transposeB).dispose(), minSeconds);
    a.dispose();
    b.dispose();
    return (perSecond * flop(s)) / 1e9;
  });
}
