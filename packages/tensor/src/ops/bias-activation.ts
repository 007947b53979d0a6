import { record } from '../autograd/record.js';
import { engine } from '../engine.js';
import { ShapeError } from '../errors.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import { FUSED_ACTIVATIONS, isFusedActivation, type FusedActivation } from './dense.js';
import { reshapeView } from './reduce-to.js';

/**
 * y = act(z + bias) over the last axis of z (bias [channels]), in one pass: a convolution's bias
 * and activation, as `dense` fuses them into its own. The backward is one 'activationGrad' pass
 * (the derivative from y) and a sum over every axis but the last for the bias.
 *
 * It computes what add → activation compute; z + bias is never a tensor of its own.
 */
export function biasActivation(input: TensorLike, biasValue: TensorLike | null | undefined, activation: FusedActivation): Tensor {
  const z = toTensor('biasActivation', input);
  const bias = biasValue === undefined || biasValue === null ? undefined : toTensor('biasActivation', biasValue);
  if (!isFusedActivation(activation)) {
    throw new RangeError(`biasActivation: no fused activation '${String(activation)}' (fused: ${FUSED_ACTIVATIONS.join(', ')})`);
  }
  const channels = z.rank === 0 ? 1 : z.shape[z.rank - 1];
  if (z.rank === 0 || (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== channels))) {
    throw new ShapeError('biasActivation', `bias ${bias === undefined ? 'none' : formatShape(bias.shape)} does not fit input ${formatShape(z.shape)} (needs [${channels}], one per entry of the last axis)`);
  }
  const y = engine.run('biasActivation', bias === undefined ? [z] : [z, bias], { activation });
  return record(y, 'biasActivation', bias === undefined ? [z] : [z, bias], (dy) => {
    const dz = activation === 'linear' ? dy : engine.run('activationGrad', [y, dy], { activation });
    if (bias === undefined) return [dz];
    const dBias = bias.requiresGrad ? engine.run('sum', [reshapeView(dz, [channels === 0 ? 0 : z.size / channels, channels])], { axes: [0], keepDims: false }) : null;
    return [dz, dBias];
  });
}
