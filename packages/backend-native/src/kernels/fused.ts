// The fused kernels of a training step's hot path (the 'js' references are in @keel/tensor's
// kernels/js/fused.ts): one C pass each where the unfused step runs several ops.
import type { KernelFn, Tensor } from '@keel/tensor';
import { Activation } from './codes.js';
import { f32, kernel } from './kernel.js';

/** The C code of a fused activation; undefined (left to the reference) for any other. */
const activationCode = (activation: unknown): number | undefined =>
  typeof activation === 'string' && Object.hasOwn(Activation, activation) ? Activation[activation as keyof typeof Activation] : undefined;

/** act(z + bias) over [..., units] with bias [units], or act(z) without one. */
export const biasActivationKernel = kernel('biasActivation', (backend, [z, bias], attrs) => {
  const code = activationCode(attrs.activation);
  if (code === undefined) return undefined;
  const { tensor, values } = backend.output(z.shape);
  backend.addon.biasActivation(code, f32(z), bias === undefined ? null : f32(bias), values);
  return tensor;
});

/** dy · act'(z) from the activation's output y. */
export const activationGradKernel = kernel('activationGrad', (backend, [y, dy], attrs) => {
  const code = activationCode(attrs.activation);
  if (code === undefined) return undefined;
  const { tensor, values } = backend.output(y.shape);
  backend.addon.activationGrad(code, f32(y), f32(dy), values);
  return tensor;
});

/** Logits as [rows, classes]; the op layer flattens leading axes, anything else goes to the reference. */
const matrix = (logits: Tensor): { rows: number; classes: number } | undefined =>
  logits.rank === 2 ? { rows: logits.shape[0], classes: logits.shape[1] } : undefined;

/** The per-row loss, against integer labels [rows] (sparse) or targets [rows, classes]. */
function crossEntropyKernel(sparse: boolean): KernelFn {
  return kernel(sparse ? 'sparseSoftmaxCrossEntropy' : 'softmaxCrossEntropy', (backend, [logits, labels]) => {
    const size = matrix(logits);
    if (size === undefined) return undefined;
    const { tensor, values } = backend.output([size.rows]);
    backend.addon.crossEntropy(sparse, f32(logits), f32(labels), values, size.rows, size.classes);
    return tensor;
  });
}

/** The loss's gradient dlogits [rows, classes] for the upstream dy [rows]. */
function crossEntropyGradKernel(sparse: boolean): KernelFn {
  return kernel(sparse ? 'sparseSoftmaxCrossEntropyGrad' : 'softmaxCrossEntropyGrad', (backend, [logits, labels, dy]) => {
    const size = matrix(logits);
    if (size === undefined) return undefined;
    const { tensor, values } = backend.output(logits.shape);
    backend.addon.crossEntropyGrad(sparse, f32(logits), f32(labels), f32(dy), values, size.rows, size.classes);
    return tensor;
  });
}

export const sparseSoftmaxCrossEntropyKernel = crossEntropyKernel(true);
export const sparseSoftmaxCrossEntropyGradKernel = crossEntropyGradKernel(true);
export const softmaxCrossEntropyKernel = crossEntropyKernel(false);
export const softmaxCrossEntropyGradKernel = crossEntropyGradKernel(false);

/** A float32 scalar: 1 when every value is finite, else 0 (one value comes back, not the tensor). */
export const allFiniteKernel = kernel('allFinite', (backend, [x]) => {
  const { tensor, values } = backend.output([]);
  values[0] = backend.addon.allFinite(f32(x)) ? 1 : 0;
  return tensor;
});

/** a·x + b·y over two arrays of one length: an optimizer's update in one pass. */
export const axpbyKernel = kernel('axpby', (backend, [x, y], attrs) => {
  const { tensor, values } = backend.output(x.shape);
  backend.addon.axpby(f32(x), f32(y), values, attrs.a as number, attrs.b as number);
  return tensor;
});
