import type { KernelEntry, KernelFn } from '@keel/tensor';
import { Binary, Unary } from './codes.js';
import { avgPoolGradKernel, col2imKernel, im2colKernel, maxPoolGradKernel, poolKernel } from './conv.js';
import { affineKernel, binaryKernel, clipKernel, unaryKernel, whereKernel } from './elementwise.js';
import {
  activationGradKernel, allFiniteKernel, axpbyKernel, biasActivationKernel, softmaxCrossEntropyGradKernel, softmaxCrossEntropyKernel,
  sparseSoftmaxCrossEntropyGradKernel, sparseSoftmaxCrossEntropyKernel,
} from './fused.js';
import { reference, referenceOps } from './kernel.js';
import { broadcastToKernel, castKernel, gatherGradKernel, gatherKernel, oneHotKernel, sliceKernel, transposeKernel } from './layout.js';
import { matmulKernel } from './matmul.js';
import { argReduceKernel, reduceKernel, softmaxKernel } from './reduce.js';

/** Kernels written in C (float32; float64 inputs go to the 'js' reference). */
const native: Record<string, KernelFn> = {
  ...Object.fromEntries((Object.keys(Unary) as (keyof typeof Unary)[]).filter((op) => op !== 'copy').map((op) => [op, unaryKernel(op)])),
  affine: affineKernel,
  clip: clipKernel(false),
  insideRange: clipKernel(true),
  ...Object.fromEntries((Object.keys(Binary) as (keyof typeof Binary)[]).map((op) => [op, binaryKernel(op)])),
  where: whereKernel,
  sum: reduceKernel('sum'),
  prod: reduceKernel('prod'),
  max: reduceKernel('max'),
  min: reduceKernel('min'),
  argmax: argReduceKernel('max'),
  argmin: argReduceKernel('min'),
  softmax: softmaxKernel(false),
  logSoftmax: softmaxKernel(true),
  matmul: matmulKernel,
  transpose: transposeKernel,
  broadcastTo: broadcastToKernel,
  slice: sliceKernel,
  oneHot: oneHotKernel,
  gather: gatherKernel,
  gatherGrad: gatherGradKernel,
  cast: castKernel,
  im2col: im2colKernel,
  col2im: col2imKernel,
  maxPool: poolKernel('maxPool'),
  maxPoolGrad: maxPoolGradKernel,
  avgPool: poolKernel('avgPool'),
  avgPoolGrad: avgPoolGradKernel,
  biasActivation: biasActivationKernel,
  activationGrad: activationGradKernel,
  sparseSoftmaxCrossEntropy: sparseSoftmaxCrossEntropyKernel,
  sparseSoftmaxCrossEntropyGrad: sparseSoftmaxCrossEntropyGradKernel,
  softmaxCrossEntropy: softmaxCrossEntropyKernel,
  softmaxCrossEntropyGrad: softmaxCrossEntropyGradKernel,
  allFinite: allFiniteKernel,
  axpby: axpbyKernel,
};

/** Ops that run in C. */
export const nativeOps: readonly string[] = Object.keys(native);

/**
 * Every other op of the 'js' backend (concat, pad, sliceGrad) runs its
 * 'js' kernel under the 'native' name: the storage is the same kind of typed array, so the
 * result is taken over without the copy the engine's generic fallback would make.
 */
export const sharedOps: readonly string[] = referenceOps().filter((op) => !(op in native));

const shared: Record<string, KernelFn> = Object.fromEntries(sharedOps.map((op) => [op, (inputs, attrs) => reference(op, inputs, attrs)]));

/** Every kernel of the 'native' backend, as registry entries. */
export const nativeKernels: readonly KernelEntry[] = Object.entries({ ...native, ...shared }).map(([id, run]) => ({ id, backend: 'native', run }));
