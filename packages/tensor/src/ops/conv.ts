import { record } from '../autograd/record.js';
import { engine } from '../engine.js';
import { ShapeError, TensorError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { WindowGeometry } from '../kernels/js/conv.js';
import { toTensor, toTensorPair, type TensorLike } from './convert.js';
import { reshape } from './layout.js';
import { matmul } from './matmul.js';

export type Padding = 'valid' | 'same' | number;

export interface WindowOptions {
  /** [strideH, strideW] or one number for both; defaults to 1 for conv, the window size for pooling. */
  strides?: number | readonly [number, number];
  /** 'valid' (no padding), 'same' (output size = ceil(input / stride)), or explicit zero padding. */
  padding?: Padding;
}

function pair(value: number | readonly [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

/** Output size and padding of a window op, TensorFlow-style for 'same'. */
export function windowGeometry(op: string, inputShape: readonly number[], kernel: [number, number], options: WindowOptions, defaultStride: [number, number]): WindowGeometry {
  const [, height, width] = inputShape;
  const [kernelH, kernelW] = kernel;
  const [strideH, strideW] = options.strides === undefined ? defaultStride : pair(options.strides);
  if (![kernelH, kernelW, strideH, strideW].every((v) => Number.isInteger(v) && v > 0)) {
    throw new TensorError(op, `kernel size and strides must be positive integers (kernel ${kernelH}x${kernelW}, strides ${strideH}x${strideW})`);
  }
  const padding = options.padding ?? 'valid';
  let padTop: number;
  let padLeft: number;
  let outH: number;
  let outW: number;
  if (padding === 'same') {
    outH = Math.ceil(height / strideH);
    outW = Math.ceil(width / strideW);
    padTop = Math.floor(Math.max(0, (outH - 1) * strideH + kernelH - height) / 2);
    padLeft = Math.floor(Math.max(0, (outW - 1) * strideW + kernelW - width) / 2);
  } else {
    const p = padding === 'valid' ? 0 : padding;
    padTop = p;
    padLeft = p;
    outH = Math.floor((height + 2 * p - kernelH) / strideH) + 1;
    outW = Math.floor((width + 2 * p - kernelW) / strideW) + 1;
  }
  if (outH <= 0 || outW <= 0) {
    throw new ShapeError(op, `a ${kernelH}x${kernelW} window does not fit input ${formatShape(inputShape)} with padding ${String(padding)}`);
  }
  return { kernelH, kernelW, strideH, strideW, padTop, padLeft, outH, outW };
}

function checkNhwc(op: string, x: Tensor): void {
  if (x.rank !== 4) throw new ShapeError(op, `expects input [batch, height, width, channels], got ${formatShape(x.shape)}`);
}

/** Patches of x as rows (im2col), differentiable (its adjoint col2im gives the input gradient). */
export function im2col(x: Tensor, geometry: WindowGeometry): Tensor {
  const cols = engine.run('im2col', [x], { ...geometry });
  return record(cols, 'im2col', [x], (dy) => [engine.run('col2im', [dy], { ...geometry, inputShape: [...x.shape] })]);
}

/**
 * 2-D convolution (cross-correlation) of NHWC input with a [kernelH, kernelW, inChannels, outChannels]
 * filter, as im2col followed by one matmul.
 */
export function conv2d(input: TensorLike, filter: TensorLike, options: WindowOptions = {}): Tensor {
  const [x, w] = toTensorPair('conv2d', input, filter);
  checkNhwc('conv2d', x);
  if (w.rank !== 4) throw new ShapeError('conv2d', `expects a filter [kernelH, kernelW, inChannels, outChannels], got ${formatShape(w.shape)}`);
  if (w.shape[2] !== x.shape[3]) {
    throw new ShapeError('conv2d', `input has ${x.shape[3]} channels (${formatShape(x.shape)}) but the filter expects ${w.shape[2]} (${formatShape(w.shape)})`);
  }
  const g = windowGeometry('conv2d', x.shape, [w.shape[0], w.shape[1]], options, [1, 1]);
  const cols = im2col(x, g);
  const out = matmul(cols, reshape(w, [-1, w.shape[3]]));
  return reshape(out, [x.shape[0], g.outH, g.outW, w.shape[3]]);
}

function pool(kind: 'maxPool' | 'avgPool') {
  return (input: TensorLike, size: number | readonly [number, number], options: WindowOptions = {}): Tensor => {
    const op = `${kind}2d`;
    const x = toTensor(op, input);
    checkNhwc(op, x);
    const kernel = pair(size);
    const g = windowGeometry(op, x.shape, kernel, options, kernel);
    const y = engine.run(kind, [x], { ...g });
    return record(y, op, [x], (dy) =>
      kind === 'maxPool'
        ? [engine.run('maxPoolGrad', [x, dy], { ...g })]
        : [engine.run('avgPoolGrad', [dy], { ...g, inputShape: [...x.shape] })],
    );
  };
}

/** Max over each window of NHWC input (stride defaults to the window size). */
export const maxPool2d = pool('maxPool');
/** Mean over each window of NHWC input; padded taps are not counted. */
export const avgPool2d = pool('avgPool');
