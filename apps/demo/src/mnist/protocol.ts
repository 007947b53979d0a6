// Messages between the MNIST page and its training worker. Everything crossing is plain data
// (structured clone); typed arrays are transferred where they are big.
import type { Finding, LrFinderResult } from '@keel/diagnostics';
import type { BackendPreference } from '../shared/backend.js';
import type { Histogram } from '../shared/charts/histogram.js';
import type { BugId } from './bugs.js';

export type OptimizerChoice = 'sgd' | 'adam';

export interface TrainConfig {
  /** Hidden layer sizes, e.g. [128] for 784-128-10. */
  readonly hidden: readonly number[];
  /** 'sgd' is SGD with momentum 0.9. */
  readonly optimizer: OptimizerChoice;
  readonly lr: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly seed: number;
  readonly bugs: readonly BugId[];
}

export type ToWorker =
  | { readonly type: 'init'; readonly backend: BackendPreference; readonly dataUrl: string }
  | { readonly type: 'train'; readonly config: TrainConfig }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stop' }
  | { readonly type: 'lr-finder'; readonly config: TrainConfig }
  | { readonly type: 'predict'; readonly id: number; readonly pixels: Float32Array }
  | { readonly type: 'test-image'; readonly index: number }
  | { readonly type: 'save'; readonly key: string }
  | { readonly type: 'load'; readonly key: string }
  | { readonly type: 'export' }
  | { readonly type: 'import'; readonly bytes: ArrayBuffer; readonly name: string };

export type RunState = 'loading' | 'idle' | 'training' | 'paused' | 'finished' | 'stopped' | 'failed';

/** One point of the periodic evaluation: accuracy and loss on a fixed training sample and on the validation images. */
export interface EvalPoint {
  readonly step: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
}

export interface LayerStats {
  readonly name: string;
  readonly activation: Histogram;
  /** Fraction of exactly-zero outputs (inactive ReLUs) on the sample batch. */
  readonly zeroFraction: number;
  readonly gradient: Histogram | undefined;
  /** The doctor's samples: ‖g‖ of the layer and ‖Δw‖/‖w‖ of its kernel update, oldest first. */
  readonly gradNorms: readonly (number | null)[];
  readonly updateRatios: readonly (number | null)[];
}

export interface ModelInfo {
  readonly summary: string;
  readonly parameters: number;
  /** What the inputs are multiplied by before the network sees them (1/255, or 1 for raw pixels). */
  readonly pixelScale: number;
  readonly source: string;
}

export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string; readonly backendLabel: string; readonly note?: string; readonly isolated: boolean; readonly loadSeconds: number; readonly trainCount: number; readonly validationCount: number; readonly testCount: number }
  | { readonly type: 'state'; readonly state: RunState; readonly message?: string }
  | { readonly type: 'setup'; readonly lines: readonly string[]; readonly stepsPerEpoch: number }
  | { readonly type: 'losses'; readonly points: readonly (readonly [step: number, loss: number | null])[] }
  | { readonly type: 'eval'; readonly point: EvalPoint }
  | { readonly type: 'epoch'; readonly epoch: number; readonly seconds: number; readonly loss: number; readonly samplesPerSecond: number }
  | { readonly type: 'layers'; readonly step: number; readonly layers: readonly LayerStats[] }
  | { readonly type: 'summary'; readonly steps: number; readonly seconds: number; readonly testAccuracy: number; readonly testLoss: number; readonly testCount: number }
  | { readonly type: 'finding'; readonly finding: Finding }
  | { readonly type: 'lr-finder'; readonly result: LrFinderResult; readonly optimizer: OptimizerChoice }
  | { readonly type: 'prediction'; readonly id: number; readonly probabilities: readonly number[] }
  | { readonly type: 'test-image'; readonly index: number; readonly label: number; readonly pixels: Uint8Array }
  | { readonly type: 'model'; readonly info: ModelInfo }
  | { readonly type: 'saved'; readonly key: string }
  | { readonly type: 'exported'; readonly bytes: ArrayBuffer; readonly fileName: string }
  | { readonly type: 'error'; readonly context: string; readonly message: string };
