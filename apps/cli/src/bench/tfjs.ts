// TensorFlow.js as a peer: loaded only when installed next to the CLI (it is a devDependency of
// the benchmark, not of Keel). CommonJS for both packages so the wasm backend registers with the
// same tfjs-core instance.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);

/** The slice of the tfjs API the benchmark uses, typed here so tfjs stays an optional peer. */
export interface TfTensor {
  dispose(): void;
  argMax(axis?: number): TfTensor;
  dataSync(): ArrayLike<number>;
}
export type TfLayer = object;
export interface TfModel {
  add(layer: TfLayer): void;
  compile(config: { optimizer: unknown; loss: string }): void;
  fit(x: TfTensor, y: TfTensor, options: { epochs: number; batchSize: number; shuffle: boolean; verbose: number; callbacks: { onBatchEnd(): void } }): Promise<unknown>;
  predict(x: TfTensor): TfTensor;
  stopTraining: boolean;
}
export interface Tf {
  readonly version: { readonly tfjs: string };
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  tensor(values: Float32Array, shape: number[]): TfTensor;
  tensor1d(values: Int32Array, dtype: 'int32'): TfTensor;
  oneHot(indices: TfTensor, depth: number): TfTensor;
  matMul(a: TfTensor, b: TfTensor, transposeA?: boolean, transposeB?: boolean): TfTensor;
  randomNormal(shape: number[]): TfTensor;
  sequential(): TfModel;
  readonly layers: { dense(c: object): TfLayer; conv2d(c: object): TfLayer; maxPooling2d(c: object): TfLayer; flatten(c?: object): TfLayer };
  readonly train: { sgd(lr: number): unknown };
}

/** tfjs with `backend` active, or why it cannot run. */
export async function loadTfjs(backend: string): Promise<Tf | { unavailable: string }> {
  let tf: Tf;
  try {
    tf = require('@tensorflow/tfjs') as Tf;
  } catch {
    return { unavailable: 'not installed (npm i @tensorflow/tfjs)' };
  }
  if (backend === 'wasm') {
    try {
      const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
      wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
    } catch {
      return { unavailable: 'not installed (npm i @tensorflow/tfjs-backend-wasm)' };
    }
  }
  if (!(await tf.setBackend(backend))) return { unavailable: `tfjs backend '${backend}' failed to start` };
  await tf.ready();
  return tf;
}
