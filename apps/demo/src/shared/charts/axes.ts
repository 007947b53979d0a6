// Axes with ticks, grid lines and labels, shared by every chart.
import { fmt } from '../format.js';
import { SERIES } from '../colors.js';
import type { Scale } from './scale.js';

export interface PlotArea {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** The plot rectangle inside a chart of this size, leaving room for the axes' labels. */
export function plotArea(width: number, height: number, compact = false): PlotArea {
  return compact ? { left: 36, top: 8, right: width - 8, bottom: height - 22 } : { left: 52, top: 12, right: width - 12, bottom: height - 36 };
}

export interface AxisOptions {
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xFormat?: (v: number) => string;
  readonly yFormat?: (v: number) => string;
  readonly xTicks?: number;
  readonly yTicks?: number;
  /** Only whole-number ticks on the x axis (steps, epochs). */
  readonly xIntegers?: boolean;
  /** Small charts (plotArea(..., true)): the titles go inside the plot's corners. */
  readonly compact?: boolean;
}

/** Grid lines, tick labels and axis titles. */
export function drawAxes(ctx: CanvasRenderingContext2D, area: PlotArea, x: Scale, y: Scale, options: AxisOptions): void {
  const xFormat = options.xFormat ?? ((v: number) => fmt(v, 2));
  const yFormat = options.yFormat ?? ((v: number) => fmt(v, 2));
  ctx.save();
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.fillStyle = SERIES.axis;
  ctx.strokeStyle = SERIES.grid;
  // Horizontal grid and y tick labels.
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of y.ticks(options.yTicks ?? 4)) {
    const py = Math.round(y(t)) + 0.5;
    if (py < area.top - 1 || py > area.bottom + 1) continue;
    ctx.beginPath();
    ctx.moveTo(area.left, py);
    ctx.lineTo(area.right, py);
    ctx.stroke();
    ctx.fillText(yFormat(t), area.left - 5, py);
  }
  // Vertical grid and x tick labels.
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of x.ticks(options.xTicks ?? 5).filter((v) => options.xIntegers !== true || Number.isInteger(v))) {
    const px = Math.round(x(t)) + 0.5;
    if (px < area.left - 1 || px > area.right + 1) continue;
    ctx.beginPath();
    ctx.moveTo(px, area.top);
    ctx.lineTo(px, area.bottom);
    ctx.stroke();
    ctx.fillText(xFormat(t), px, area.bottom + 4);
  }
  // The axes themselves.
  ctx.strokeStyle = SERIES.axis;
  ctx.beginPath();
  ctx.moveTo(area.left + 0.5, area.top);
  ctx.lineTo(area.left + 0.5, area.bottom + 0.5);
  ctx.lineTo(area.right, area.bottom + 0.5);
  ctx.stroke();
  // Titles: x under the tick labels, y rotated along the left edge.
  ctx.fillStyle = SERIES.text;
  if (options.compact === true) {
    // Small charts are named by their caption; only non-empty titles are drawn, in the corners.
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText(options.xLabel, area.right, area.bottom - 2);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(options.yLabel, area.left + 4, area.top);
    ctx.restore();
    return;
  }
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(options.xLabel, (area.left + area.right) / 2, area.bottom + 34);
  ctx.translate(12, (area.top + area.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(options.yLabel, 0, 0);
  ctx.restore();
}
