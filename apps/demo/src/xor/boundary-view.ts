// The decision boundary: the network's prediction over the input plane as a heat map, the
// training points on top (outlined in red where misclassified), and labelled axes.
import type { PointSet } from '@keel/data';
import { drawAxes } from '../shared/charts/axes.js';
import { fitCanvas } from '../shared/charts/canvas.js';
import { scale } from '../shared/charts/scale.js';
import { classRgb, rgb } from '../shared/colors.js';
import type { GridResult } from './grid.js';
import { drawImageData, predictionPixels } from './maps.js';

export function drawBoundary(canvas: HTMLCanvasElement, grid: GridResult, points: PointSet, predicted: Uint8Array, loss: string): void {
  const { ctx, width, height } = fitCanvas(canvas);
  const side = Math.min(width - 52, height - 40);
  const area = { left: 44, top: 6, right: 44 + side, bottom: 6 + side };
  const x = scale([grid.bounds.min, grid.bounds.max], [area.left, area.right]);
  const y = scale([grid.bounds.min, grid.bounds.max], [area.bottom, area.top]);
  drawImageData(ctx, predictionPixels(grid.layers[grid.layers.length - 1], grid.size, loss), area.left, area.top, side, side);
  drawAxes(ctx, { ...area, right: area.right, bottom: area.bottom }, x, y, { xLabel: 'x₁', yLabel: 'x₂', xTicks: 4, yTicks: 4 });
  const n = points.y.length;
  const radius = n <= 8 ? 7 : 3.5;
  for (let i = 0; i < n; i++) {
    const px = x(points.x[2 * i]);
    const py = y(points.x[2 * i + 1]);
    ctx.beginPath();
    ctx.arc(px, py, radius, 0, 2 * Math.PI);
    ctx.fillStyle = rgb(classRgb(points.y[i]));
    ctx.fill();
    const wrong = predicted[i] !== points.y[i];
    ctx.lineWidth = wrong ? (n <= 8 ? 2.5 : 1.25) : 1;
    ctx.strokeStyle = wrong ? '#c92a2a' : '#ffffff';
    ctx.stroke();
  }
}
