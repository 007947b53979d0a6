import type { PointSet } from './points.js';

/** The four XOR points and their labels: the smallest problem a linear model cannot solve. */
export function xor(): PointSet {
  return {
    x: Float32Array.of(0, 0, 0, 1, 1, 0, 1, 1),
    shape: [4, 2],
    y: Uint8Array.of(0, 1, 1, 0),
    classes: 2,
  };
}
