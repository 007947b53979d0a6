// Runs the network over a grid covering the input plane and keeps every layer's output, so the
// page can draw the decision boundary (the last layer) and each neuron's own response map.
import type { Sequential } from '@keel/layers';
import { noGrad, tensor, type Tensor } from '@keel/tensor';
import type { Bounds } from './data.js';

export interface LayerMap {
  /** [cells × units], row-major: cell (i, j) of the grid is row j·size + i (j = 0 at the top). */
  readonly values: Float32Array;
  readonly units: number;
}

export interface GridResult {
  readonly size: number;
  readonly bounds: Bounds;
  /** Index 0 is the input itself (x₁, x₂); then one entry per layer. */
  readonly layers: LayerMap[];
}

/** The grid's input points: x₁ left to right, x₂ bottom to top (row 0 is the top of the picture). */
function gridInputs(size: number, bounds: Bounds): Float32Array {
  const xs = new Float32Array(size * size * 2);
  const step = (bounds.max - bounds.min) / (size - 1);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const cell = j * size + i;
      xs[2 * cell] = bounds.min + i * step;
      xs[2 * cell + 1] = bounds.max - j * step;
    }
  }
  return xs;
}

export function evaluateGrid(model: Sequential, bounds: Bounds, size: number): GridResult {
  const input = gridInputs(size, bounds);
  const layers: LayerMap[] = [{ values: input, units: 2 }];
  model.eval();
  noGrad(() => {
    let x: Tensor = tensor(input, [size * size, 2]);
    for (const layer of model.layers) {
      x = layer.apply(x);
      layers.push({ values: Float32Array.from(x.values), units: x.shape[1] });
    }
  });
  model.train();
  return { size, bounds, layers };
}
