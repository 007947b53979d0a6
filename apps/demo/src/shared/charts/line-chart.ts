// A line chart on a canvas: several series, linear or log axes, a legend, vertical marks
// (e.g. the suggested learning rate). Non-finite points break the line instead of being drawn.
import { SERIES } from '../colors.js';
import { drawAxes, plotArea, type AxisOptions } from './axes.js';
import { fitCanvas, onResize } from './canvas.js';
import { extent, scale } from './scale.js';

export interface Point {
  readonly x: number;
  readonly y: number | null;
}

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly points: readonly Point[];
  readonly width?: number;
  readonly dash?: readonly number[];
  /** Draw a dot at every point (for sparse series, e.g. validation). */
  readonly dots?: boolean;
  /** Leave out of the legend. */
  readonly hideInLegend?: boolean;
}

export interface Mark {
  readonly x: number;
  readonly label: string;
  readonly color: string;
}

export interface LineChartOptions extends AxisOptions {
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** Fixed y range ends (e.g. 0 and 1 for accuracy); the data's range otherwise. */
  readonly yMin?: number;
  readonly yMax?: number;
  readonly xMin?: number;
  /** Shown in the plot when there is nothing to draw yet. */
  readonly empty?: string;
  /** Where the legend goes (default top right; accuracy curves climb there, so they use bottom right). */
  readonly legend?: 'top' | 'bottom';
}

export class LineChart {
  private series: readonly Series[] = [];
  private marks: readonly Mark[] = [];

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly options: LineChartOptions,
  ) {
    onResize(canvas, () => this.draw());
  }

  set(series: readonly Series[], marks: readonly Mark[] = []): void {
    this.series = series;
    this.marks = marks;
    this.draw();
  }

  draw(): void {
    const { ctx, width, height } = fitCanvas(this.canvas);
    const area = plotArea(width, height);
    const o = this.options;
    const xs = extent(this.series.flatMap((s) => s.points.map((p) => p.x)), o.logX);
    const ys = extent(this.series.flatMap((s) => s.points.map((p) => p.y ?? NaN)), o.logY);
    const xDomain: [number, number] = xs === undefined ? [o.xMin ?? 0, 1] : [o.xMin ?? xs[0], Math.max(xs[1], (o.xMin ?? xs[0]) + (o.logX === true ? 0 : 1))];
    const yDomain: [number, number] = [o.yMin ?? ys?.[0] ?? 0, o.yMax ?? ys?.[1] ?? 1];
    const empty = xs === undefined || ys === undefined;
    // Nothing to draw yet: plain 0..1 axes rather than a log axis over an arbitrary range.
    const x = scale(empty ? [0, 1] : xDomain, [area.left, area.right], o.logX === true && !empty);
    const y = scale(empty ? [o.yMin ?? 0, o.yMax ?? 1] : yDomain, [area.bottom, area.top], o.logY === true && !empty);
    drawAxes(ctx, area, x, y, empty ? { ...o, xFormat: () => '', yFormat: () => '' } : o);
    if (empty) {
      ctx.fillStyle = SERIES.axis;
      ctx.font = '12px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(o.empty ?? 'no data yet', (area.left + area.right) / 2, (area.top + area.bottom) / 2);
      return;
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top - 2, area.right - area.left, area.bottom - area.top + 4);
    ctx.clip();
    for (const s of this.series) {
      ctx.strokeStyle = s.color;
      ctx.fillStyle = s.color;
      ctx.lineWidth = s.width ?? 1.5;
      ctx.setLineDash(s.dash ?? []);
      ctx.beginPath();
      let pen = false;
      for (const p of s.points) {
        const ok = p.y !== null && Number.isFinite(p.y) && !(o.logY === true && p.y <= 0) && !(o.logX === true && p.x <= 0);
        if (!ok) {
          pen = false;
          continue;
        }
        const px = x(p.x);
        const py = y(Math.min(Math.max(p.y, y.domain[0]), y.domain[1]));
        if (pen) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        pen = true;
      }
      ctx.stroke();
      if (s.dots === true) {
        for (const p of s.points) {
          if (p.y === null || !Number.isFinite(p.y)) continue;
          ctx.beginPath();
          ctx.arc(x(p.x), y(p.y), 2.5, 0, 2 * Math.PI);
          ctx.fill();
        }
      }
    }
    ctx.setLineDash([]);
    for (const m of this.marks) {
      const px = Math.round(x(m.x)) + 0.5;
      ctx.strokeStyle = m.color;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(px, area.top);
      ctx.lineTo(px, area.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = m.color;
      ctx.font = '11px system-ui, sans-serif';
      ctx.textAlign = px > (area.left + area.right) / 2 ? 'right' : 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(m.label, px + (ctx.textAlign === 'right' ? -4 : 4), area.top + 2);
    }
    ctx.restore();
    this.legend(ctx, area.right, o.legend === 'bottom' ? area.bottom - 6 - 16 * this.series.filter((s) => s.hideInLegend !== true).length : area.top);
  }

  private legend(ctx: CanvasRenderingContext2D, right: number, top: number): void {
    const shown = this.series.filter((s) => s.hideInLegend !== true);
    if (shown.length < 2) return;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    const widths = shown.map((s) => ctx.measureText(s.label).width);
    const boxWidth = Math.max(...widths) + 30;
    const left = right - boxWidth - 4;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.fillRect(left, top + 2, boxWidth, shown.length * 16 + 6);
    shown.forEach((s, i) => {
      const cy = top + 11 + i * 16;
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dash ?? []);
      ctx.beginPath();
      ctx.moveTo(left + 6, cy);
      ctx.lineTo(left + 22, cy);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = SERIES.text;
      ctx.fillText(s.label, left + 26, cy);
    });
  }
}
