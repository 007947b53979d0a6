// A histogram on a small canvas: bars over [min, max] with the range on the x axis and the
// fraction of values on the y axis. Used for per-layer activations and gradients.
import { SERIES } from '../colors.js';
import { fmt } from '../format.js';
import { drawAxes, plotArea } from './axes.js';
import { fitCanvas } from './canvas.js';
import { scale } from './scale.js';

export interface Histogram {
  readonly min: number;
  readonly max: number;
  /** Counts of equal-width bins from min to max. */
  readonly counts: readonly number[];
  /** How many values were not finite (shown, never dropped silently). */
  readonly nonFinite: number;
}

/** Bins the finite values of `values` into `bins` equal bins between their min and max. */
export function histogram(values: ArrayLike<number>, bins = 40): Histogram {
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) nonFinite++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const counts = new Array<number>(bins).fill(0);
  if (!(min <= max)) return { min: 0, max: 0, counts, nonFinite };
  const width = max - min || 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.floor(((v - min) / width) * bins))]++;
  }
  return { min, max, counts, nonFinite };
}

/** Draws a histogram; the chart is named by the caption beside it. */
export function drawHistogram(canvas: HTMLCanvasElement, h: Histogram | undefined, options: { color: string }): void {
  const { ctx, width, height } = fitCanvas(canvas);
  const area = plotArea(width, height, true);
  const total = h === undefined ? 0 : h.counts.reduce((a, b) => a + b, 0);
  const peak = h === undefined || total === 0 ? 1 : Math.max(...h.counts) / total;
  const lo = h?.min ?? 0;
  const hi = h !== undefined && h.max > h.min ? h.max : lo + 1;
  const x = scale([lo, hi], [area.left, area.right]);
  const y = scale([0, peak], [area.bottom, area.top]);
  drawAxes(ctx, area, x, y, { xLabel: '', yLabel: '', compact: true, xTicks: 3, yTicks: 2, yFormat: (v) => `${Math.round(v * 100)}%` });
  if (h === undefined || total === 0) {
    ctx.fillStyle = SERIES.axis;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText(h !== undefined && h.nonFinite > 0 ? `all ${h.nonFinite} values non-finite` : 'no data yet', (area.left + area.right) / 2, (area.top + area.bottom) / 2);
    return;
  }
  ctx.fillStyle = options.color;
  const barWidth = (area.right - area.left) / h.counts.length;
  h.counts.forEach((c, i) => {
    if (c === 0) return;
    const top = y(c / total);
    ctx.fillRect(area.left + i * barWidth + 0.5, top, Math.max(1, barWidth - 1), area.bottom - top);
  });
  if (h.nonFinite > 0) {
    ctx.fillStyle = '#c92a2a';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'top';
    ctx.fillText(`${fmt(h.nonFinite)} non-finite`, area.right, area.top);
  }
}
