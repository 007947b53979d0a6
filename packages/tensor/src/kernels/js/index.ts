import type { KernelEntry, KernelFn } from '../../backend/backend.js';
import { binaryFunctions, binaryKernel, whereKernel } from './binary.js';
import { avgPoolGradKernel, avgPoolKernel, col2imKernel, im2colKernel, maxPoolGradKernel, maxPoolKernel } from './conv.js';
import {
  broadcastToKernel, castKernel, concatKernel, gatherGradKernel, gatherKernel, oneHotKernel, padKernel, sliceGradKernel, sliceKernel, transposeKernel,
} from './layout.js';
import {
  activationGradKernel, allFiniteKernel, axpbyKernel, biasActivationKernel, softmaxCrossEntropyGradKernel, softmaxCrossEntropyKernel,
  sparseSoftmaxCrossEntropyGradKernel, sparseSoftmaxCrossEntropyKernel,
} from './fused.js';
import { matmulKernel } from './matmul.js';
import { argReduceKernel, reduceKernel } from './reduce.js';
import { softmaxKernel } from './softmax.js';
import { affineKernel, clipKernel, insideRangeKernel, reluKernel, unaryFunctions, unaryKernelFor } from './unary.js';

const kernels: Record<string, KernelFn> = {
  ...Object.fromEntries(Object.entries(unaryFunctions).map(([op, fn]) => [op, unaryKernelFor(op, fn)])),
  relu: reluKernel,
  affine: affineKernel,
  clip: clipKernel,
  insideRange: insideRangeKernel,
  ...Object.fromEntries(Object.entries(binaryFunctions).map(([op, fn]) => [op, binaryKernel(op, fn)])),
  where: whereKernel,
  sum: reduceKernel('sum'),
  prod: reduceKernel('prod'),
  max: reduceKernel('max'),
  min: reduceKernel('min'),
  argmax: argReduceKernel('max'),
  argmin: argReduceKernel('min'),
  matmul: matmulKernel,
  transpose: transposeKernel,
  broadcastTo: broadcastToKernel,
  slice: sliceKernel,
  sliceGrad: sliceGradKernel,
  concat: concatKernel,
  pad: padKernel,
  gather: gatherKernel,
  gatherGrad: gatherGradKernel,
  oneHot: oneHotKernel,
  cast: castKernel,
  softmax: softmaxKernel(false),
  logSoftmax: softmaxKernel(true),
  im2col: im2colKernel,
  col2im: col2imKernel,
  maxPool: maxPoolKernel,
  maxPoolGrad: maxPoolGradKernel,
  avgPool: avgPoolKernel,
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

/** Every kernel of the reference 'js' backend, as registry entries. */
export const jsKernels: readonly KernelEntry[] = Object.entries(kernels).map(([id, run]) => ({ id, backend: 'js', run }));
