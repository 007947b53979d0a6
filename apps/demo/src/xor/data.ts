// The playground's data: @keel/data's seeded 2-D sets, as training data for the chosen loss, and
// the square of the input plane the maps are drawn over.
import { ArrayDataset, circles, oneHotLabels, spirals, twoMoons, xor, type PointSet } from '@keel/data';
import type { LossName, PlaygroundConfig } from './config.js';

export function pointSet(config: PlaygroundConfig): PointSet {
  const options = { noise: config.noise, seed: config.seed };
  switch (config.data) {
    case 'xor':
      return xor();
    case 'moons':
      return twoMoons({ ...options, n: 200 });
    case 'circles':
      return circles({ ...options, n: 200 });
    case 'spirals':
      return spirals({ ...options, n: 300, classes: 3 });
  }
}

/** Output units: one logit for two classes, one per class otherwise. */
export function outputUnits(points: PointSet): number {
  return points.classes === 2 ? 1 : points.classes;
}

/**
 * Targets as the loss needs them: 0/1 in a [n, 1] column for two classes (binary cross-entropy
 * with logits, or MSE against 0/1), class indices for softmax cross-entropy, one-hot rows for MSE
 * on more classes.
 */
export function trainingSet(points: PointSet, loss: LossName): ArrayDataset {
  if (points.classes === 2) return new ArrayDataset(points.x, [2], Float32Array.from(points.y), [1]);
  if (loss === 'crossEntropy') return new ArrayDataset(points.x, [2], points.y, []);
  return new ArrayDataset(points.x, [2], oneHotLabels(points.y, points.classes), [points.classes]);
}

export interface Bounds {
  readonly min: number;
  readonly max: number;
}

/** A square around the points with a margin (XOR's four corners get [-0.5, 1.5]). */
export function planeBounds(points: PointSet): Bounds {
  let min = Infinity;
  let max = -Infinity;
  for (const v of points.x) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const margin = Math.max(0.5, (max - min) * 0.15);
  return { min: min - margin, max: max + margin };
}
