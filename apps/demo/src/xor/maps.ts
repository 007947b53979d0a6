// Painting grid values as images: a neuron's response (diverging: orange negative, white 0,
// blue positive) and the network's prediction (the class colours, paler where it is unsure).
import { BLUE, ORANGE, classRgb } from '../shared/colors.js';
import type { LayerMap } from './grid.js';

type Rgb = readonly [number, number, number];

function mix(c: Rgb, t: number, out: Uint8ClampedArray, offset: number): void {
  // t = 0 is white, t = 1 the full colour.
  out[offset] = 255 + (c[0] - 255) * t;
  out[offset + 1] = 255 + (c[1] - 255) * t;
  out[offset + 2] = 255 + (c[2] - 255) * t;
  out[offset + 3] = 255;
}

/** One unit's values over the grid, scaled by their largest magnitude, orange < 0 < blue. */
export function responsePixels(map: LayerMap, unit: number, size: number): ImageData {
  const image = new ImageData(size, size);
  let peak = 0;
  for (let c = 0; c < size * size; c++) peak = Math.max(peak, Math.abs(map.values[c * map.units + unit]));
  for (let c = 0; c < size * size; c++) {
    const v = map.values[c * map.units + unit];
    const t = peak > 0 ? v / peak : 0;
    if (Number.isFinite(t)) mix(t >= 0 ? BLUE : ORANGE, Math.min(1, Math.abs(t)) * 0.9, image.data, 4 * c);
    else mix([201, 42, 42], 1, image.data, 4 * c); // non-finite: red, never hidden
  }
  return image;
}

/** The network's prediction over the grid: the colour of the predicted class, paler where the network is unsure. */
export function predictionPixels(map: LayerMap, size: number, loss: string): ImageData {
  const image = new ImageData(size, size);
  const k = map.units;
  for (let c = 0; c < size * size; c++) {
    if (k === 1) {
      const out = map.values[c];
      const p = loss === 'meanSquaredError' ? Math.min(1, Math.max(0, out)) : 1 / (1 + Math.exp(-out));
      if (Number.isFinite(p)) mix(p >= 0.5 ? BLUE : ORANGE, Math.abs(p - 0.5) * 2 * 0.75, image.data, 4 * c);
      else mix([201, 42, 42], 1, image.data, 4 * c);
      continue;
    }
    // Several classes: softmax of the logits (or the MSE outputs as they are), then the winner's colour.
    let best = 0;
    let max = -Infinity;
    for (let j = 0; j < k; j++) {
      const v = map.values[c * k + j];
      if (v > max) {
        max = v;
        best = j;
      }
    }
    let confidence: number;
    if (loss === 'meanSquaredError') confidence = Math.min(1, Math.max(0, max));
    else {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(map.values[c * k + j] - max);
      confidence = 1 / sum;
    }
    const t = (confidence - 1 / k) / (1 - 1 / k);
    if (Number.isFinite(t)) mix(classRgb(best), Math.max(0, t) * 0.75, image.data, 4 * c);
    else mix([201, 42, 42], 1, image.data, 4 * c);
  }
  return image;
}

/** Draws `image` stretched over the rectangle, smoothed (the grid is coarser than the screen). */
export function drawImageData(ctx: CanvasRenderingContext2D, image: ImageData, x: number, y: number, width: number, height: number): void {
  const scratch = document.createElement('canvas');
  scratch.width = image.width;
  scratch.height = image.height;
  scratch.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(scratch, x, y, width, height);
}
