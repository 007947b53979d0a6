// --plot: training curves as a self-contained SVG (two panels: loss and accuracy, each with the
// training and the validation series), drawn by hand: axes, ticks, labels, legend.
import type { Logs } from '@keel/train';

export const WIDTH = 960;
export const HEIGHT = 400;
const COLORS = { train: '#1f77b4', validation: '#ff7f0e' };

export interface Series {
  readonly id: string;
  readonly label: string;
  readonly color: string;
  readonly dashed: boolean;
  readonly points: readonly (readonly [number, number])[];
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function tickLabel(value: number, percent: boolean): string {
  if (percent) return `${Number((value * 100).toPrecision(6))}%`;
  return Math.abs(value) >= 1000 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(1) : String(Number(value.toPrecision(6)));
}

/** A panel's x axis: its range and ticks in plot units, the label of each tick, its title. */
export interface XAxis {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
  readonly tickLabel: (x: number) => string;
  /** Draw points as well as the line (off for long series). */
  readonly dots: boolean;
}

/** A vertical marker line with a label (e.g. the suggested learning rate). */
export interface Marker {
  readonly x: number;
  readonly label: string;
}

function epochAxis(epochs: number): XAxis {
  const xPad = epochs <= 12 ? 0.4 : (epochs - 1) * 0.03;
  const ticks = epochs <= 12 ? Array.from({ length: epochs }, (_, i) => i + 1) : niceTicks(1, epochs, 8).filter((t) => Number.isInteger(t) && t >= 1);
  return { label: 'epoch', min: 1 - xPad, max: epochs + xPad, ticks, tickLabel: String, dots: true };
}

export function panel(x0: number, title: string, yLabel: string, series: readonly Series[], axis: XAxis, percent: boolean, markers: readonly Marker[] = [], width = WIDTH / 2): string {
  const left = x0 + 70;
  const right = x0 + width - 20;
  const top = 72;
  const bottom = HEIGHT - 60;
  const values = series.flatMap((s) => s.points.map(([, y]) => y)).filter(Number.isFinite);
  let yMin = values.length === 0 ? 0 : Math.min(...values);
  let yMax = values.length === 0 ? 1 : Math.max(...values);
  const pad = (yMax - yMin) * 0.08 || Math.max(Math.abs(yMax) * 0.1, 0.01);
  const nonNegative = values.every((v) => v >= 0);
  yMin = nonNegative ? Math.max(0, yMin - pad) : yMin - pad;
  yMax = percent ? Math.min(1, yMax + pad) : yMax + pad;
  const yTicks = niceTicks(yMin, yMax);
  yMin = Math.min(yMin, yTicks[0]);
  yMax = Math.max(yMax, yTicks[yTicks.length - 1]);
  const xMin = axis.min;
  const xMax = axis.max;
  const sx = (x: number): number => left + ((x - xMin) / (xMax - xMin)) * (right - left);
  const sy = (y: number): number => bottom - ((y - yMin) / (yMax - yMin)) * (bottom - top);
  const xTicks = axis.ticks;
  const parts: string[] = [];
  parts.push(`<g class="panel" id="${escapeXml(yLabel.toLowerCase())}-panel">`);
  parts.push(`<text class="title" x="${num((left + right) / 2)}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`);
  for (const t of yTicks) {
    parts.push(`<line class="grid" x1="${num(left)}" y1="${num(sy(t))}" x2="${num(right)}" y2="${num(sy(t))}" stroke="#e5e5e5"/>`);
    parts.push(`<line class="tick" x1="${num(left - 5)}" y1="${num(sy(t))}" x2="${num(left)}" y2="${num(sy(t))}" stroke="#333"/>`);
    parts.push(`<text class="tick-label" x="${num(left - 8)}" y="${num(sy(t) + 4)}" text-anchor="end" font-size="11">${escapeXml(tickLabel(t, percent))}</text>`);
  }
  for (const t of xTicks) {
    parts.push(`<line class="tick" x1="${num(sx(t))}" y1="${num(bottom)}" x2="${num(sx(t))}" y2="${num(bottom + 5)}" stroke="#333"/>`);
    parts.push(`<text class="tick-label" x="${num(sx(t))}" y="${num(bottom + 18)}" text-anchor="middle" font-size="11">${escapeXml(axis.tickLabel(t))}</text>`);
  }
  parts.push(`<line class="axis x-axis" x1="${num(left)}" y1="${num(bottom)}" x2="${num(right)}" y2="${num(bottom)}" stroke="#333"/>`);
  parts.push(`<line class="axis y-axis" x1="${num(left)}" y1="${num(top)}" x2="${num(left)}" y2="${num(bottom)}" stroke="#333"/>`);
  parts.push(`<text class="axis-label" x="${num((left + right) / 2)}" y="${num(bottom + 40)}" text-anchor="middle" font-size="13">${escapeXml(axis.label)}</text>`);
  parts.push(`<text class="axis-label" x="${num(x0 + 18)}" y="${num((top + bottom) / 2)}" text-anchor="middle" font-size="13" transform="rotate(-90 ${num(x0 + 18)} ${num((top + bottom) / 2)})">${escapeXml(yLabel)}</text>`);
  for (const s of series) {
    const pts = s.points.filter(([, y]) => Number.isFinite(y));
    if (pts.length === 0) continue;
    const d = pts.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(sx(x))},${num(sy(y))}`).join(' ');
    parts.push(`<path class="series ${s.id}" d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    if (axis.dots) for (const [x, y] of pts) parts.push(`<circle class="point ${s.id}" cx="${num(sx(x))}" cy="${num(sy(y))}" r="3" fill="${s.color}"/>`);
  }
  for (const m of markers) {
    parts.push(`<line class="marker" x1="${num(sx(m.x))}" y1="${num(top)}" x2="${num(sx(m.x))}" y2="${num(bottom)}" stroke="#2ca02c" stroke-width="1.5" stroke-dasharray="4 3"/>`);
    parts.push(`<text class="marker-label" x="${num(sx(m.x) + 4)}" y="${num(top + 12)}" font-size="11" fill="#2ca02c">${escapeXml(m.label)}</text>`);
  }
  // Legend: one row between the title and the plot area.
  const legendWidth = series.reduce((w, s) => w + 40 + s.label.length * 7, 0);
  let lx = (left + right) / 2 - legendWidth / 2;
  for (const s of series) {
    parts.push(`<line class="legend-line" x1="${num(lx)}" y1="48" x2="${num(lx + 24)}" y2="48" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text class="legend-label" x="${num(lx + 30)}" y="52" font-size="12">${escapeXml(s.label)}</text>`);
    lx += 40 + s.label.length * 7;
  }
  parts.push('</g>');
  return parts.join('\n');
}

function seriesOf(history: readonly Logs[], key: string, id: string, label: string, color: string, dashed: boolean): Series | undefined {
  const points = history.filter((h) => typeof h[key] === 'number').map((h) => [h.epoch, h[key]] as const);
  return points.length === 0 ? undefined : { id, label, color, dashed, points };
}

/** An SVG of loss and accuracy per epoch, training and validation. `history` rows carry `epoch` (1-based). */
export function trainingCurvesSvg(history: readonly Logs[], title: string): string {
  const epochs = Math.max(1, ...history.map((h) => h.epoch));
  const pick = (key: string): Series[] =>
    [
      seriesOf(history, key, `train-${key}`, `train ${key}`, COLORS.train, false),
      seriesOf(history, `val_${key}`, `validation-${key}`, `validation ${key}`, COLORS.validation, true),
    ].filter((s): s is Series => s !== undefined);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    panel(0, 'Loss', 'loss', pick('loss'), epochAxis(epochs), false),
    panel(WIDTH / 2, 'Accuracy', 'accuracy', pick('accuracy'), epochAxis(epochs), true),
    '</svg>',
    '',
  ].join('\n');
}
