import { record } from '../autograd/record.js';
import { engine } from '../engine.js';
import { ShapeError } from '../errors.js';
import { FUSED_ACTIVATIONS, type FusedActivation } from '../op-signatures.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import { reshapeView } from './reduce-to.js';

export { FUSED_ACTIVATIONS, type FusedActivation };

export function isFusedActivation(id: string): id is FusedActivation {
  return (FUSED_ACTIVATIONS as readonly string[]).includes(id);
}

/**
 * A fully connected layer's step in two kernels: y = act(x·kernel + bias) runs as 'matmul' then
 * 'biasActivation' (one pass adding the bias and applying the activation), and the backward as
 * 'activationGrad' (the derivative from y, never from the wrong value), two matmuls and a sum
 * over the batch for the bias. x is [..., in], kernel [in, units], bias [units].
 *
 * It computes what matmul → add → activation compute, with fewer, larger kernel calls; the
 * difference is that the pre-activation z is never a tensor of its own (diagnostics that want
 * to see z use the unfused ops — Dense does when an op hook is installed).
 */
export function dense(input: TensorLike, kernelValue: TensorLike, biasValue?: TensorLike | null, activation: FusedActivation = 'linear'): Tensor {
  const x = toTensor('dense', input);
  const kernel = toTensor('dense', kernelValue);
  const bias = biasValue === undefined || biasValue === null ? undefined : toTensor('dense', biasValue);
  if (!isFusedActivation(activation)) {
    throw new RangeError(`dense: no fused activation '${String(activation)}' (fused: ${FUSED_ACTIVATIONS.join(', ')}); apply it after a linear dense`);
  }
  const features = x.shape[x.rank - 1];
  if (x.rank < 1 || kernel.rank !== 2 || kernel.shape[0] !== features) {
    throw new ShapeError('dense', `input ${formatShape(x.shape)} does not fit kernel ${formatShape(kernel.shape)} (needs [..., ${kernel.shape[0]}] x [in, units])`);
  }
  const units = kernel.shape[1];
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== units)) {
    throw new ShapeError('dense', `bias ${formatShape(bias.shape)} does not fit kernel ${formatShape(kernel.shape)} (needs [${units}])`);
  }
  const rows = x.size / Math.max(features, 1);
  const x2 = x.rank === 2 ? x : reshapeView(x, [rows, features]);
  const z = engine.run('matmul', [x2, kernel], { transposeA: false, transposeB: false });
  const y2 = engine.run('biasActivation', bias === undefined ? [z] : [z, bias], { activation });
  const y = x.rank === 2 ? y2 : reshapeView(y2, [...x.shape.slice(0, -1), units]);
  const inputs = bias === undefined ? [x, kernel] : [x, kernel, bias];
  return record(y, 'dense', inputs, (dyValue) => {
    const dy = x.rank === 2 ? dyValue : reshapeView(dyValue, [rows, units]);
    const dz = activation === 'linear' ? dy : engine.run('activationGrad', [y2, dy], { activation });
    const dx = x.requiresGrad ? engine.run('matmul', [dz, kernel], { transposeA: false, transposeB: true }) : null;
    const dKernel = kernel.requiresGrad ? engine.run('matmul', [x2, dz], { transposeA: true, transposeB: false }) : null;
    const dBias = bias?.requiresGrad === true ? engine.run('sum', [dz], { axes: [0], keepDims: false }) : null;
    return [dx === null || x.rank === 2 ? dx : reshapeView(dx, x.shape), dKernel, ...(bias === undefined ? [] : [dBias])];
  });
}
