// The size of the network a set-up asks for, checked before anything is allocated: `--layers 65536,65536`
// must be a clear error, not an "Invalid typed array length" or an out-of-memory crash mid-build.
import { usageError } from '../errors.js';
import type { Architecture } from '../model.js';

/** 100 million float32 parameters: 400 MB of weights, about four times that to train (gradients, optimizer state). */
export const MAX_PARAMETERS = 100_000_000;
/** What one training step may hold in layer outputs and their gradients (float32). */
export const MAX_ACTIVATION_BYTES = 4 * 2 ** 30;

export interface ModelSize {
  readonly parameters: number;
  /** Layer outputs per example (what a forward pass keeps for the backward pass). */
  readonly activationsPerExample: number;
}

export interface SizeSpec {
  readonly architecture: Architecture;
  readonly layers: readonly number[];
  readonly dense?: readonly number[];
  readonly inputShape: readonly number[];
  readonly outputUnits: number;
}

/** Parameters and activations of the network model.ts builds: dense layers, or 3x3 'same' conv + 2x2 pool blocks. */
export function modelSize(spec: SizeSpec): ModelSize {
  let parameters = 0;
  let activations = 0;
  let inputs = spec.inputShape.reduce((a, b) => a * b, 1);
  const dense = (units: number): void => {
    parameters += inputs * units + units;
    activations += units;
    inputs = units;
  };
  if (spec.architecture === 'cnn') {
    let [height, width, channels] = spec.inputShape;
    for (const filters of spec.layers) {
      parameters += 9 * channels * filters + filters;
      activations += height * width * filters;
      height = Math.floor(height / 2);
      width = Math.floor(width / 2);
      activations += height * width * filters;
      channels = filters;
    }
    inputs = height * width * channels;
    for (const units of spec.dense ?? []) dense(units);
  } else {
    for (const units of spec.layers) dense(units);
  }
  dense(spec.outputUnits);
  return { parameters, activationsPerExample: activations };
}

/** Fails, naming the flags to change, when the network or one batch of it would not fit in memory. */
export function checkModelSize(spec: SizeSpec, batchSize: number): ModelSize {
  const size = modelSize(spec);
  const flags = spec.architecture === 'cnn' ? `--layers ${spec.layers.join(',')}${spec.dense === undefined ? '' : ` --dense ${spec.dense.join(',')}`}` : `--layers ${spec.layers.join(',')}`;
  if (size.parameters > MAX_PARAMETERS) {
    throw usageError(
      `${flags} on [${spec.inputShape.join(', ')}] inputs makes a network of ${count(size.parameters)} parameters (${bytes(size.parameters * 4)} of weights, ` +
        `about four times that to train), more than the ${count(MAX_PARAMETERS)} allowed; use narrower or fewer layers`,
    );
  }
  const activationBytes = size.activationsPerExample * batchSize * 4 * 2; // outputs and their gradients
  if (activationBytes > MAX_ACTIVATION_BYTES) {
    throw usageError(
      `${flags} with --batch-size ${batchSize} needs about ${bytes(activationBytes)} of layer outputs per step, more than ${bytes(MAX_ACTIVATION_BYTES)}; ` +
        'use a smaller --batch-size or narrower layers',
    );
  }
  return size;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function bytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${Math.round(n / 1e6)} MB`;
}
