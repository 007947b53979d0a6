// The LR range test's result: loss against learning rate (log scale), the suggestion marked, and
// a button that puts the suggested rate into the form.
import type { LrFinderResult } from '@keel/diagnostics';
import { LineChart } from '../../shared/charts/line-chart.js';
import { SERIES } from '../../shared/colors.js';
import { fmt } from '../../shared/format.js';

export class LrFinderView {
  private readonly chart: LineChart;
  private suggested: number | undefined;

  constructor(
    private readonly figure: HTMLElement,
    canvas: HTMLCanvasElement,
    private readonly text: HTMLElement,
    private readonly useButton: HTMLButtonElement,
    onUse: (lr: number) => void,
  ) {
    this.chart = new LineChart(canvas, { xLabel: 'learning rate', yLabel: 'loss', logX: true, logY: true, xFormat: (v) => fmt(v, 1) });
    useButton.addEventListener('click', () => {
      if (this.suggested !== undefined) onUse(this.suggested);
    });
  }

  show(result: LrFinderResult, optimizer: string): void {
    this.figure.hidden = false;
    this.suggested = result.suggested;
    const raw = result.lrs.map((lr, i) => ({ x: lr, y: result.losses[i] }));
    const smooth = result.lrs.map((lr, i) => ({ x: lr, y: result.smoothed[i] }));
    const marks = result.suggested !== undefined ? [{ x: result.suggested, label: `suggested ${fmt(result.suggested)}`, color: SERIES.accent }] : [];
    this.chart.set(
      [
        { label: 'loss', color: 'rgba(8, 119, 189, 0.3)', points: raw, width: 1 },
        { label: 'smoothed', color: SERIES.train, points: smooth, width: 2 },
      ],
      marks,
    );
    const name = optimizer === 'sgd' ? 'SGD with momentum' : 'Adam';
    if (result.suggested !== undefined) {
      this.text.textContent = `Suggested learning rate for ${name}: ${fmt(result.suggested)} (${result.method === 'min-loss/10' ? 'a tenth of the rate at the loss minimum' : 'where the loss falls fastest'}${result.stoppedEarly ? '; the sweep stopped when the loss diverged' : ''}).`;
      this.useButton.hidden = false;
      this.useButton.textContent = `Use ${fmt(result.suggested)}`;
      this.figure.dataset.suggested = String(result.suggested);
    } else {
      this.text.textContent = `No suggestion: ${result.note ?? 'the loss did not respond to the learning rate'}.`;
      this.useButton.hidden = true;
      delete this.figure.dataset.suggested;
    }
  }
}
