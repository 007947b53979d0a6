// The network drawn as TensorFlow Playground draws it: a column per layer, each neuron showing
// its own response over the input plane, and links whose colour is the weight's sign (blue
// positive, orange negative) and whose width is its size.
import type { Sequential } from '@keel/layers';
import { BLUE, ORANGE, rgb } from '../shared/colors.js';
import { el, svg } from '../shared/dom.js';
import { fmt } from '../shared/format.js';
import type { GridResult } from './grid.js';
import { drawImageData, responsePixels } from './maps.js';

const NEURON = 36;
const ROW = 46;
const TOP = 34;

interface Link {
  readonly line: SVGLineElement;
  readonly title: SVGTitleElement;
  readonly layer: number;
  readonly from: number;
  readonly to: number;
}

export class NetworkView {
  private readonly canvases: HTMLCanvasElement[][] = [];
  private readonly links: Link[] = [];
  private readonly kernels: string[] = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly model: Sequential,
    columnTitles: readonly string[],
  ) {
    const sizes = [2, ...model.layers.map((l) => l.parameters().get(`${l.name}/kernel`)!.shape[1])];
    // Columns share the panel's width (scrolling sideways only when they would get too narrow).
    const columnWidth = Math.max(84, Math.min(130, Math.floor(container.clientWidth / sizes.length)));
    const height = TOP + Math.max(...sizes) * ROW;
    const width = sizes.length * columnWidth;
    container.replaceChildren();
    const stage = el('div', { class: 'network-stage', style: `width:${width}px;height:${height}px` });
    const lines = svg('svg', { width, height, class: 'network-links', 'aria-hidden': 'true' });
    const centre = (column: number, unit: number): [number, number] => {
      const offset = (Math.max(...sizes) - sizes[column]) * (ROW / 2);
      return [column * columnWidth + columnWidth / 2, TOP + offset + unit * ROW + NEURON / 2];
    };
    model.layers.forEach((layer, l) => {
      this.kernels.push(`${layer.name}/kernel`);
      for (let from = 0; from < sizes[l]; from++) {
        for (let to = 0; to < sizes[l + 1]; to++) {
          const [x1, y1] = centre(l, from);
          const [x2, y2] = centre(l + 1, to);
          const line = svg('line', { x1: x1 + NEURON / 2, y1, x2: x2 - NEURON / 2, y2 });
          const title = svg('title');
          line.append(title);
          lines.append(line);
          this.links.push({ line, title, layer: l, from, to });
        }
      }
    });
    stage.append(lines);
    sizes.forEach((units, column) => {
      stage.append(el('div', { class: 'network-column-title', style: `left:${column * columnWidth}px;width:${columnWidth}px` }, columnTitles[column] ?? ''));
      const row: HTMLCanvasElement[] = [];
      for (let unit = 0; unit < units; unit++) {
        const [cx, cy] = centre(column, unit);
        const label = column === 0 ? `input x${unit === 0 ? '₁' : '₂'}` : `${column === sizes.length - 1 ? 'output' : `hidden layer ${column}`} unit ${unit + 1}`;
        const canvas = el('canvas', { class: 'neuron', width: 48, height: 48, role: 'img', 'aria-label': `${label}: its response over the input plane`, title: label, style: `left:${cx - NEURON / 2}px;top:${cy - NEURON / 2}px` });
        stage.append(canvas);
        row.push(canvas);
      }
      this.canvases.push(row);
    });
    container.append(stage);
  }

  /** Redraws every neuron's map from the grid and every link from the current weights. */
  update(grid: GridResult): void {
    this.canvases.forEach((row, column) => {
      const map = grid.layers[column];
      row.forEach((canvas, unit) => {
        const ctx = canvas.getContext('2d')!;
        drawImageData(ctx, responsePixels(map, unit, grid.size), 0, 0, canvas.width, canvas.height);
      });
    });
    const params = this.model.parameters();
    const kernels = this.kernels.map((name) => params.get(name)!);
    const values = kernels.map((k) => k.values);
    let peak = 0;
    for (const v of values) for (const w of v) if (Number.isFinite(w)) peak = Math.max(peak, Math.abs(w));
    for (const link of this.links) {
      const units = kernels[link.layer].shape[1];
      const w = values[link.layer][link.from * units + link.to];
      const size = peak > 0 && Number.isFinite(w) ? Math.abs(w) / peak : 0;
      link.line.setAttribute('stroke', Number.isFinite(w) ? rgb(w >= 0 ? BLUE : ORANGE) : '#c92a2a');
      link.line.setAttribute('stroke-width', (0.4 + 5.6 * size).toFixed(2));
      link.line.setAttribute('stroke-opacity', (0.25 + 0.75 * size).toFixed(2));
      link.title.textContent = `${this.kernels[link.layer]}[${link.from}, ${link.to}] = ${fmt(w)}`;
    }
  }
}
