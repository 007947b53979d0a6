// The standard training workloads of `keel bench`: one epoch of the real MNIST (60,000 images),
// plain SGD, the same architecture in every engine (each with its own default initializers).
export interface Workload {
  readonly id: string;
  readonly label: string;
  readonly architecture: 'mlp' | 'cnn';
  /** Hidden units (mlp) or filters per 3x3 conv + 2x2 pool block (cnn). */
  readonly layers: readonly number[];
  readonly batchSize: number;
  readonly lr: number;
}

export const WORKLOADS: readonly Workload[] = [
  { id: 'mlp', label: 'MLP 784-128-10, batch 64', architecture: 'mlp', layers: [128], batchSize: 64, lr: 0.1 },
  { id: 'wide', label: 'MLP 784-512-512-10, batch 128', architecture: 'mlp', layers: [512, 512], batchSize: 128, lr: 0.1 },
  { id: 'cnn', label: 'CNN conv8-pool-conv16-pool-10, batch 64', architecture: 'cnn', layers: [8, 16], batchSize: 64, lr: 0.05 },
];

/** What one (workload, engine) run measured. */
export interface RunResult {
  /** Seconds for the epoch (extrapolated from the batches done when the time budget ran out). */
  readonly epochSeconds: number;
  readonly samplesPerSecond: number;
  readonly testAccuracy: number;
  /** The fraction of the epoch trained (1 unless the budget cut it short). */
  readonly fraction: number;
  readonly peakRssMB: number;
}

/** What a (possibly cut-short) epoch measured, before extrapolation. */
export interface EpochMeasure {
  readonly seconds: number;
  readonly batches: number;
  readonly totalBatches: number;
  readonly testAccuracy: number;
}

/** The result of a measured epoch: its time extrapolated from the part done, when the budget cut it. */
export function runResult(m: EpochMeasure, batchSize: number, samples: number, peakRssMB: number): RunResult {
  const fraction = m.batches / m.totalBatches;
  return {
    epochSeconds: m.seconds / Math.max(fraction, 1e-9),
    samplesPerSecond: Math.min(samples, m.batches * batchSize) / m.seconds,
    testAccuracy: m.testAccuracy,
    fraction,
    peakRssMB,
  };
}
