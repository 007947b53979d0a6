// The training form: architecture, optimizer, learning rate, batch size, epochs and seed, read
// into a TrainConfig (values clamped to what the inputs allow).
import { byId } from '../../shared/dom.js';
import type { BugId } from '../bugs.js';
import type { OptimizerChoice, TrainConfig } from '../protocol.js';

const DEFAULT_LR: Record<OptimizerChoice, number> = { sgd: 0.1, adam: 0.001 };

export class TrainForm {
  private readonly architecture = byId('architecture', HTMLSelectElement);
  private readonly optimizer = byId('optimizer', HTMLSelectElement);
  private readonly lr = byId('lr', HTMLInputElement);
  private readonly batchSize = byId('batch-size', HTMLInputElement);
  private readonly epochs = byId('epochs', HTMLInputElement);
  private readonly seed = byId('seed', HTMLInputElement);

  constructor() {
    byId('train-form', HTMLFormElement).addEventListener('submit', (event) => event.preventDefault());
    // Switching optimizer swaps in its usual learning rate, unless the user chose another.
    let previous = this.optimizer.value as OptimizerChoice;
    this.optimizer.addEventListener('change', () => {
      const next = this.optimizer.value as OptimizerChoice;
      if (Number(this.lr.value) === DEFAULT_LR[previous]) this.lr.value = String(DEFAULT_LR[next]);
      previous = next;
    });
  }

  setLearningRate(lr: number): void {
    this.lr.value = String(Number(lr.toPrecision(3)));
    this.lr.focus();
  }

  read(bugs: readonly BugId[]): TrainConfig {
    const num = (input: HTMLInputElement, fallback: number, min: number, max: number, integer = false): number => {
      const v = Number(input.value);
      const clamped = Number.isFinite(v) && input.value.trim() !== '' ? Math.min(max, Math.max(min, v)) : fallback;
      const result = integer ? Math.round(clamped) : clamped;
      input.value = String(result);
      return result;
    };
    const optimizer = this.optimizer.value === 'adam' ? 'adam' : 'sgd';
    return {
      hidden: this.architecture.value.split(',').map(Number),
      optimizer,
      lr: num(this.lr, DEFAULT_LR[optimizer], 1e-6, 10),
      batchSize: num(this.batchSize, 64, 1, 1024, true),
      epochs: num(this.epochs, 1, 1, 50, true),
      seed: num(this.seed, 1, 0, 1e9, true),
      bugs,
    };
  }
}
