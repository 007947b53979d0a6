// One training run in the worker: the lints on a first batch, then `fit` under the doctor, with
// callbacks that stream the loss, periodic evaluations and per-layer statistics to the page, and
// let the page pause, resume and stop. Like @keel/diagnostics' diagnoseFit, but keeping hold of
// the doctor so its series can be plotted while training runs.
//
// Forward passes of our own (evaluations, histograms, predictions) only run inside our
// onBatchEnd, which comes before the doctor's in the callback list: there the doctor's capture of
// the step's forward pass is finished or not yet armed, so it never records our passes instead.
import { DataLoader } from '@keel/data';
import { Doctor, lint } from '@keel/diagnostics';
import type { Sequential } from '@keel/layers';
import { defaultRegistry } from '@keel/registry';
import type { Tensor } from '@keel/tensor';
import { evaluate, fit, resolveLoss, type Callback } from '@keel/train';
import { messageOf } from '../../shared/errors.js';
import type { EvalPoint, FromWorker, TrainConfig } from '../protocol.js';
import type { EffectiveSetup } from '../setup.js';
import type { RunData } from './data.js';
import { buildModel } from './model.js';
import { layerStats } from './stats.js';

const LOSS_BATCH = 16;
const EVAL_EVERY = 50;
const STATS_EVERY = 25;

export class Session {
  readonly model: Sequential;
  running = false;
  private paused = false;
  private wake: (() => void) | undefined;
  private readonly jobs: (() => void)[] = [];
  private readonly abort = new AbortController();
  private losses: [number, number | null][] = [];

  constructor(
    readonly config: TrainConfig,
    readonly setup: EffectiveSetup,
    private readonly data: RunData,
    private readonly post: (message: FromWorker) => void,
  ) {
    this.model = buildModel(config, setup);
  }

  pause(): void {
    if (!this.running) return;
    this.paused = true;
    this.post({ type: 'state', state: 'paused' });
  }

  resume(): void {
    if (!this.running) return;
    this.paused = false;
    this.post({ type: 'state', state: 'training' });
    this.wake?.();
  }

  stop(): void {
    this.abort.abort();
    this.paused = false;
    this.wake?.();
  }

  /** Runs `job` where a forward pass is safe: now when not training, else between two steps. */
  whenSafe(job: () => void): void {
    if (!this.running) return job();
    this.jobs.push(job);
    this.wake?.();
  }

  private drainJobs(): void {
    for (const job of this.jobs.splice(0)) job();
  }

  private flushLosses(): void {
    if (this.losses.length === 0) return;
    this.post({ type: 'losses', points: this.losses });
    this.losses = [];
  }

  private evaluatePoint(step: number): EvalPoint {
    const on = (data: RunData['trainSample']): { loss: number; accuracy: number } => {
      const r = evaluate(this.model, data, { loss: this.setup.loss, metrics: ['accuracy'], batchSize: 500 });
      return { loss: r.loss, accuracy: r.accuracy };
    };
    const train = on(this.data.trainSample);
    const validation = on(this.data.validationSample);
    this.model.train(); // evaluate leaves the model in evaluation mode
    return { step, trainLoss: train.loss, trainAccuracy: train.accuracy, valLoss: validation.loss, valAccuracy: validation.accuracy };
  }

  async run(): Promise<void> {
    this.running = true;
    const { config, setup, data, post } = this;
    post({ type: 'state', state: 'training' });
    const loader = new DataLoader(data.train, { batchSize: config.batchSize, shuffle: true, seed: config.seed });
    post({ type: 'setup', lines: setup.lines, stepsPerEpoch: loader.length });
    const registry = defaultRegistry;
    const loss = resolveLoss(registry, setup.loss);
    const first = loader.collate(loader.order(0).subarray(0, Math.min(config.batchSize, 512)));
    let expectedInitialLoss: number | undefined;
    const early: ReturnType<typeof lint>['findings'] = [];
    try {
      const linted = lint({ model: this.model, loss: setup.loss, optimizer: setup.optimizer, batch: { x: first.x, y: first.y }, batchSize: config.batchSize, registry });
      expectedInitialLoss = linted.expectedInitialLoss;
      early.push(...linted.findings);
    } catch (error) {
      post({ type: 'error', context: 'The lints could not run (training goes on)', message: messageOf(error) });
    }
    const doctor = new Doctor({
      registry,
      onFinding: (finding) => post({ type: 'finding', finding }),
      ...(expectedInitialLoss !== undefined ? { expectedInitialLoss } : {}),
      // How the doctor rebuilds a failing step's batch, to trace a NaN to the op that made it.
      replay: {
        batchAt: (epoch, batchIndex) => {
          const order = loader.order(epoch);
          const b = loader.collate(order.subarray(batchIndex * config.batchSize, Math.min((batchIndex + 1) * config.batchSize, order.length)));
          return { x: b.x, y: b.y };
        },
        loss: loss.fn,
        stepsPerEpoch: loader.length,
      },
    });
    for (const f of early) doctor.addFinding(f);
    const probe: Tensor = new DataLoader(data.trainSample, { batchSize: 256 }).collate(Array.from({ length: 256 }, (_, i) => i)).x;

    const control: Callback = {
      name: 'demo-control',
      onBatchEnd: async () => {
        this.drainJobs();
        while (this.paused && !this.abort.signal.aborted) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          this.drainJobs();
        }
      },
    };
    const stream: Callback = {
      name: 'demo-stream',
      onBatchEnd: (_batch, logs, state) => {
        const step = state.step;
        this.losses.push([step, Number.isFinite(logs.loss) ? logs.loss : null]);
        if (this.losses.length >= LOSS_BATCH) this.flushLosses();
        if (step === 1 || step % EVAL_EVERY === 0) post({ type: 'eval', point: this.evaluatePoint(step) });
        if (step === 1 || step % STATS_EVERY === 0) post({ type: 'layers', step, layers: layerStats(this.model, probe, doctor) });
      },
      onEpochEnd: (epoch, logs) => {
        this.flushLosses();
        post({ type: 'epoch', epoch: epoch + 1, seconds: logs.seconds, loss: logs.loss, samplesPerSecond: data.train.length / logs.seconds });
      },
    };

    const started = performance.now();
    try {
      const result = await fit(this.model, data.train, {
        loss: setup.loss,
        optimizer: setup.optimizer,
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: config.seed,
        metrics: [],
        callbacks: [control, stream, doctor],
        signal: this.abort.signal,
        registry,
      });
      this.flushLosses();
      doctor.dispose();
      const seconds = (performance.now() - started) / 1000;
      post({ type: 'layers', step: result.steps, layers: layerStats(this.model, probe, doctor) });
      post({ type: 'eval', point: this.evaluatePoint(result.steps) });
      const test = evaluate(this.model, data.test, { loss: setup.loss, metrics: ['accuracy'], batchSize: 500 });
      post({ type: 'summary', steps: result.steps, seconds, testAccuracy: test.accuracy, testLoss: test.loss, testCount: data.test.length });
      post({ type: 'state', state: this.abort.signal.aborted ? 'stopped' : 'finished' });
    } catch (error) {
      this.flushLosses();
      // A NumericsError from fit's guard becomes the doctor's 'nan-produced' finding, traced to its op.
      doctor.handleError(error);
      post({ type: 'state', state: 'failed', message: messageOf(error) });
    } finally {
      doctor.dispose();
      this.running = false;
      this.paused = false;
      this.drainJobs();
    }
  }
}
