// Messages between the speed page and its epoch worker: one run per worker (a fresh worker per
// run, as `keel bench` runs each engine in a fresh process), so nothing is warm or left over.
export type BenchBackend = 'wasm' | 'js';

export interface RunRequest {
  readonly type: 'run';
  readonly backend: BenchBackend;
  /** 'wasm': threads to split kernels across, the worker's own thread included. */
  readonly threads: number;
  readonly dataUrl: string;
}

export interface EpochResult {
  readonly backend: string;
  /** Threads the wasm backend really ran on (1 for 'js'). */
  readonly threads: number;
  /** Why fewer threads ran than were asked for, if so. */
  readonly threadNote?: string;
  /** Seconds of the `fit` call alone. */
  readonly seconds: number;
  readonly samples: number;
  readonly samplesPerSecond: number;
  readonly batches: number;
  readonly testAccuracy: number;
  /** Seconds to fetch and unzip MNIST (not timed with the epoch). */
  readonly loadSeconds: number;
}

export type FromBenchWorker =
  | { readonly type: 'progress'; readonly text: string }
  | { readonly type: 'result'; readonly result: EpochResult }
  | { readonly type: 'error'; readonly message: string };
