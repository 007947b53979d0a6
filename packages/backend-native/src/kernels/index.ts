import { BINARY_OPS, UNARY_OPS, type BinaryOp, type UnaryOp } from '@keel/tensor';
import { avgPoolGradKernel, col2imKernel, im2colKernel, maxPoolGradKernel, poolKernel } from './conv.js';
import { affineKernel, binaryKernel, clipKernel, unaryKernel, whereKernel } from './elementwise.js';
import {
  activationGradKernel, allFiniteKernel, axpbyKernel, biasActivationKernel, softmaxCrossEntropyGradKernel, softmaxCrossEntropyKernel,
  sparseSoftmaxCrossEntropyGradKernel, sparseSoftmaxCrossEntropyKernel,
} from './fused.js';
import type { NativeBodies, NativeBody } from './kernel.js';
import { broadcastToKernel, castKernel, gatherGradKernel, gatherKernel, oneHotKernel, sliceKernel, transposeKernel } from './layout.js';
import { matmulKernel } from './matmul.js';
import { argReduceKernel, reduceKernel, softmaxKernel } from './reduce.js';

const byOp = <Op extends string, K>(ops: readonly Op[], make: (op: Op) => K): Record<Op, K> =>
  Object.fromEntries(ops.map((op) => [op, make(op)])) as Record<Op, K>;

/**
 * The kernels written in C, by op (float32; the engine sends float64 inputs, and the ops listed
 * nowhere here — concat, pad, sliceGrad — to the 'js' fallback, which reads and writes the same
 * typed arrays: no copies either way).
 */
export const nativeBodies: NativeBodies = {
  ...byOp<UnaryOp, NativeBody<UnaryOp>>(UNARY_OPS, unaryKernel),
  affine: affineKernel,
  clip: clipKernel(false),
  insideRange: clipKernel(true),
  ...byOp<BinaryOp, NativeBody<BinaryOp>>(BINARY_OPS, binaryKernel),
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
export const nativeOps: readonly string[] = Object.keys(nativeBodies);
