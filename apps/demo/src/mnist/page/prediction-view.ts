// The live prediction: the most likely digit, large, and a labelled bar for every class's
// probability. The state is mirrored in data-* attributes for tests.
import { el } from '../../shared/dom.js';
import { pct } from '../../shared/format.js';

export class PredictionView {
  private readonly bars: { fill: HTMLElement; value: HTMLElement; row: HTMLElement }[] = [];

  constructor(
    private readonly digit: HTMLElement,
    list: HTMLElement,
  ) {
    for (let k = 0; k < 10; k++) {
      const fill = el('span', { class: 'bar-fill' });
      const value = el('span', { class: 'bar-value' }, '–');
      const row = el('li', { class: 'bar-row' }, el('span', { class: 'bar-label' }, String(k)), el('span', { class: 'bar-track' }, fill), value);
      list.append(row);
      this.bars.push({ fill, value, row });
    }
    this.clear('Draw a digit');
  }

  show(probabilities: readonly number[]): void {
    let best = 0;
    probabilities.forEach((p, k) => (best = p > probabilities[best] ? k : best));
    this.digit.textContent = String(best);
    this.digit.dataset.prediction = String(best);
    this.digit.dataset.probabilities = probabilities.map((p) => p.toFixed(6)).join(',');
    this.digit.setAttribute('aria-label', `Prediction: ${best}, probability ${pct(probabilities[best])}`);
    this.bars.forEach((bar, k) => {
      bar.fill.style.width = `${(probabilities[k] * 100).toFixed(1)}%`;
      bar.value.textContent = pct(probabilities[k]);
      bar.row.classList.toggle('best', k === best);
    });
  }

  clear(text: string): void {
    this.digit.textContent = '?';
    delete this.digit.dataset.prediction;
    delete this.digit.dataset.probabilities;
    this.digit.setAttribute('aria-label', text);
    this.digit.title = text;
    for (const bar of this.bars) {
      bar.fill.style.width = '0';
      bar.value.textContent = '–';
      bar.row.classList.remove('best');
    }
  }
}
