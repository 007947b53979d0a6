// The 'js' reference kernels: every op of the table, on host records. This directory is a leaf: it
// imports the op table's types, shapes and dtypes, and nothing of the engine, Tensor or autograd.
import type { TypedArray } from '../../dtype.js';
import type { Kernel } from '../../kernel.js';
import { BINARY_OPS, UNARY_OPS, type OpName } from '../../op-signatures.js';
import { binaryFunctions, binaryKernel, whereKernel } from './binary.js';
import { avgPoolGradKernel, avgPoolKernel, col2imKernel, im2colKernel, maxPoolGradKernel, maxPoolKernel } from './conv.js';
import {
  activationGradKernel, allFiniteKernel, axpbyKernel, biasActivationKernel, softmaxCrossEntropyGradKernel, softmaxCrossEntropyKernel,
  sparseSoftmaxCrossEntropyGradKernel, sparseSoftmaxCrossEntropyKernel,
} from './fused.js';
import {
  broadcastToKernel, castKernel, concatKernel, gatherGradKernel, gatherKernel, oneHotKernel, padKernel, sliceGradKernel, sliceKernel, transposeKernel,
} from './layout.js';
import { matmulKernel } from './matmul.js';
import { argReduceKernel, reduceKernel } from './reduce.js';
import { softmaxKernel } from './softmax.js';
import { affineKernel, clipKernel, insideRangeKernel, reluKernel, unaryFunctions, unaryKernelFor } from './unary.js';

/** The reference kernels: complete (every op of the table), so every other backend can fall back to them. */
export type CompleteKernelTable = { readonly [Op in OpName]: Kernel<Op, TypedArray> };

const byOp = <Op extends string, K>(ops: readonly Op[], make: (op: Op) => K): Record<Op, K> =>
  Object.fromEntries(ops.map((op) => [op, make(op)])) as Record<Op, K>;

export const jsKernels: CompleteKernelTable = {
  ...byOp(UNARY_OPS, (op) => unaryKernelFor(op, unaryFunctions[op])),
  relu: reluKernel,
  affine: affineKernel,
  clip: clipKernel,
  insideRange: insideRangeKernel,
  ...byOp(BINARY_OPS, (op) => binaryKernel(op, binaryFunctions[op])),
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
