// The live charts of a run: loss (every step, smoothed, and validation), accuracy (a fixed
// training sample and the validation images), and per layer the histograms of activations and
// gradients with sparklines of gradient norm and update ratio.
import { drawHistogram } from '../../shared/charts/histogram.js';
import { LineChart, type Point } from '../../shared/charts/line-chart.js';
import { drawSparkline } from '../../shared/charts/sparkline.js';
import { SERIES } from '../../shared/colors.js';
import { el, frameThrottle } from '../../shared/dom.js';
import { fmt, pct } from '../../shared/format.js';
import type { EvalPoint, LayerStats } from '../protocol.js';

interface LayerCard {
  readonly activation: HTMLCanvasElement;
  readonly activationCaption: HTMLElement;
  readonly gradient: HTMLCanvasElement;
  readonly gradNorm: HTMLCanvasElement;
  readonly gradNormValue: HTMLElement;
  readonly ratio: HTMLCanvasElement;
  readonly ratioValue: HTMLElement;
}

export class TrainingCharts {
  private readonly loss: LineChart;
  private readonly accuracy: LineChart;
  private losses: Point[] = [];
  private smoothed: Point[] = [];
  private ema = NaN;
  private evals: EvalPoint[] = [];
  private cards = new Map<string, LayerCard>();
  private latest: readonly LayerStats[] = [];
  private readonly redraw = frameThrottle(() => this.draw());

  constructor(
    lossCanvas: HTMLCanvasElement,
    accuracyCanvas: HTMLCanvasElement,
    private readonly layersContainer: HTMLElement,
  ) {
    this.loss = new LineChart(lossCanvas, { xLabel: 'step', yLabel: 'loss', logY: true, xIntegers: true, empty: 'press Train' });
    this.accuracy = new LineChart(accuracyCanvas, { xLabel: 'step', yLabel: 'accuracy', xIntegers: true, yMin: 0, yMax: 1, yFormat: (v) => pct(v, 0), empty: 'press Train', legend: 'bottom' });
  }

  reset(): void {
    this.losses = [];
    this.smoothed = [];
    this.ema = NaN;
    this.evals = [];
    this.cards.clear();
    this.latest = [];
    this.layersContainer.replaceChildren();
    this.redraw();
  }

  addLosses(points: readonly (readonly [number, number | null])[]): void {
    for (const [step, value] of points) {
      this.losses.push({ x: step, y: value });
      if (value !== null) this.ema = Number.isNaN(this.ema) ? value : 0.95 * this.ema + 0.05 * value;
      this.smoothed.push({ x: step, y: value === null ? null : this.ema });
    }
    this.redraw();
  }

  addEval(point: EvalPoint): void {
    this.evals.push(point);
    this.redraw();
  }

  setLayers(layers: readonly LayerStats[]): void {
    this.latest = layers;
    this.redraw();
  }

  private draw(): void {
    this.loss.set([
      { label: 'training loss (each step)', color: 'rgba(8, 119, 189, 0.25)', points: this.losses, width: 1, hideInLegend: true },
      { label: 'training (smoothed)', color: SERIES.train, points: this.smoothed, width: 2 },
      { label: 'validation', color: SERIES.validation, points: this.evals.map((e) => ({ x: e.step, y: e.valLoss })), dots: true },
    ]);
    this.accuracy.set([
      { label: 'training (1,000 images)', color: SERIES.train, points: this.evals.map((e) => ({ x: e.step, y: e.trainAccuracy })), dots: true },
      { label: 'validation (2,000 images)', color: SERIES.validation, points: this.evals.map((e) => ({ x: e.step, y: e.valAccuracy })), dots: true },
    ]);
    for (const layer of this.latest) this.drawLayer(layer);
  }

  private card(name: string): LayerCard {
    let card = this.cards.get(name);
    if (card !== undefined) return card;
    const canvas = (label: string, cls: string): HTMLCanvasElement => el('canvas', { class: cls, role: 'img', 'aria-label': `${name}: ${label}` });
    const activation = canvas('histogram of the layer’s outputs', 'hist');
    const gradient = canvas('histogram of the kernel’s gradient', 'hist');
    const gradNorm = canvas('gradient norm over training', 'spark');
    const ratio = canvas('update ratio over training', 'spark');
    const activationCaption = el('figcaption', {}, 'outputs');
    const gradNormValue = el('span', { class: 'spark-value' }, '–');
    const ratioValue = el('span', { class: 'spark-value' }, '–');
    this.layersContainer.append(
      el(
        'article',
        { class: 'layer-card', 'data-layer': name },
        el('h4', {}, name),
        el('div', { class: 'hist-pair' }, el('figure', {}, activation, activationCaption), el('figure', {}, gradient, el('figcaption', {}, 'kernel gradient: share of values'))),
        el('div', { class: 'spark-row' }, el('span', { class: 'spark-label', title: 'the L2 norm of the layer’s gradient, sampled by the doctor' }, '‖g‖'), gradNorm, gradNormValue),
        el('div', { class: 'spark-row' }, el('span', { class: 'spark-label', title: 'how much each update changes the kernel relative to its size; 1e-3 to 1e-2 is healthy' }, '‖Δw‖/‖w‖'), ratio, ratioValue),
      ),
    );
    card = { activation, activationCaption, gradient, gradNorm, gradNormValue, ratio, ratioValue };
    this.cards.set(name, card);
    return card;
  }

  private drawLayer(layer: LayerStats): void {
    const card = this.card(layer.name);
    drawHistogram(card.activation, layer.activation, { color: SERIES.train });
    card.activationCaption.textContent = `outputs: share of values (${pct(layer.zeroFraction, 0)} exactly 0)`;
    drawHistogram(card.gradient, layer.gradient, { color: SERIES.validation });
    drawSparkline(card.gradNorm, layer.gradNorms, SERIES.neutral);
    drawSparkline(card.ratio, layer.updateRatios, SERIES.accent);
    card.gradNormValue.textContent = fmt(layer.gradNorms[layer.gradNorms.length - 1]);
    card.ratioValue.textContent = fmt(layer.updateRatios[layer.updateRatios.length - 1]);
  }
}
