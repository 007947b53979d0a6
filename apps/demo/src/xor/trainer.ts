// Training the playground's network: `fit` run a few epochs at a time (resumed exactly with
// initialEpoch and optimizerState), so the page can draw between runs, pause, and step.
import type { ArrayDataset, PointSet } from '@keel/data';
import type { Sequential } from '@keel/layers';
import { tensor } from '@keel/tensor';
import { fit, predict } from '@keel/train';
import type { PlaygroundConfig } from './config.js';
import { outputUnits, pointSet, trainingSet } from './data.js';
import { buildModel, lossId, optimizerConfig } from './model.js';

export class Trainer {
  readonly points: PointSet;
  readonly data: ArrayDataset;
  readonly model: Sequential;
  readonly loss: ReturnType<typeof lossId>;
  /** Epochs trained so far. */
  epoch = 0;
  /** Mean training loss of each epoch. */
  readonly losses: { epoch: number; loss: number }[] = [];
  private optimizerState: unknown;

  constructor(readonly config: PlaygroundConfig) {
    this.points = pointSet(config);
    this.data = trainingSet(this.points, config.loss);
    const units = outputUnits(this.points);
    this.model = buildModel(config, units);
    this.loss = lossId(config, units);
  }

  /** Trains `epochs` more epochs. Throws fit's errors (a NumericsError names the step and layer). */
  async train(epochs: number): Promise<void> {
    const result = await fit(this.model, this.data, {
      loss: this.loss,
      optimizer: optimizerConfig(this.config),
      epochs: this.epoch + epochs,
      initialEpoch: this.epoch,
      batchSize: this.config.batchSize,
      seed: this.config.seed,
      metrics: [],
      ...(this.optimizerState !== undefined ? { optimizerState: this.optimizerState } : {}),
    });
    this.optimizerState = result.optimizerState;
    for (const logs of result.history.epochs) this.losses.push({ epoch: logs.epoch, loss: logs.loss });
    this.epoch += epochs;
  }

  /** The predicted class of every training point. */
  predictedClasses(): Uint8Array {
    const n = this.points.y.length;
    const out = predict(this.model, tensor(this.points.x, [n, 2])).values;
    const k = out.length / n;
    const classes = new Uint8Array(n);
    for (let i = 0; i < n; i++) classes[i] = classOf(out, i, k, this.loss);
    return classes;
  }

  /** Fraction of training points classified correctly. */
  accuracy(): number {
    const predicted = this.predictedClasses();
    let correct = 0;
    predicted.forEach((c, i) => (correct += c === this.points.y[i] ? 1 : 0));
    return correct / predicted.length;
  }
}

/** The class an output row means: a logit above 0 (or an MSE output above 0.5) is class 1; else the arg max. */
export function classOf(out: ArrayLike<number>, row: number, units: number, loss: string): number {
  if (units === 1) return out[row] > (loss === 'meanSquaredError' ? 0.5 : 0) ? 1 : 0;
  let best = 0;
  for (let j = 1; j < units; j++) if (out[row * units + j] > out[row * units + best]) best = j;
  return best;
}
