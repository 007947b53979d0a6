// The fused kernels of a training step's hot path (the 'js' references are in @keel/tensor's
// kernels/js/fused.ts): one C pass each where the unfused step runs several ops.
import { Activation } from './codes.js';
import { f32, kernel, type NativeBody, type NativeRecord } from './kernel.js';

/** The C code of a fused activation; undefined (left to the reference) for any other. */
const activationCode = (activation: unknown): number | undefined =>
  typeof activation === 'string' && Object.hasOwn(Activation, activation) ? Activation[activation as keyof typeof Activation] : undefined;

/** act(z + bias) over [..., units] with bias [units], or act(z) without one. */
export const biasActivationKernel = kernel('biasActivation', (backend, [z, bias], attrs) => {
  const code = activationCode(attrs.activation);
  if (code === undefined) return undefined;
  const { record, values } = backend.output(z.shape);
  backend.addon.biasActivation(code, f32(z), bias === undefined ? null : f32(bias), values);
  return record;
});

/** dy · act'(z) from the activation's output y. */
export const activationGradKernel = kernel('activationGrad', (backend, [y, dy], attrs) => {
  const code = activationCode(attrs.activation);
  if (code === undefined) return undefined;
  const { record, values } = backend.output(y.shape);
  backend.addon.activationGrad(code, f32(y), f32(dy), values);
  return record;
});

/** Logits as [rows, classes]; the op layer flattens leading axes, anything else goes to the reference. */
const matrix = (logits: NativeRecord): { rows: number; classes: number } | undefined =>
  logits.shape.length === 2 ? { rows: logits.shape[0], classes: logits.shape[1] } : undefined;

/** The per-row loss, against integer labels [rows] (sparse) or targets [rows, classes]. */
function crossEntropyKernel(sparse: boolean): NativeBody<'sparseSoftmaxCrossEntropy' | 'softmaxCrossEntropy'> {
  return kernel(sparse ? 'sparseSoftmaxCrossEntropy' : 'softmaxCrossEntropy', (backend, [logits, labels]) => {
    const size = matrix(logits);
    if (size === undefined) return undefined;
    const { record, values } = backend.output([size.rows]);
    backend.addon.crossEntropy(sparse, f32(logits), f32(labels), values, size.rows, size.classes);
    return record;
  });
}

/** The loss's gradient dlogits [rows, classes] for the upstream dy [rows]. */
function crossEntropyGradKernel(sparse: boolean): NativeBody<'sparseSoftmaxCrossEntropyGrad' | 'softmaxCrossEntropyGrad'> {
  return kernel(sparse ? 'sparseSoftmaxCrossEntropyGrad' : 'softmaxCrossEntropyGrad', (backend, [logits, labels, dy]) => {
    const size = matrix(logits);
    if (size === undefined) return undefined;
    const { record, values } = backend.output(logits.shape);
    backend.addon.crossEntropyGrad(sparse, f32(logits), f32(labels), f32(dy), values, size.rows, size.classes);
    return record;
  });
}

export const sparseSoftmaxCrossEntropyKernel = crossEntropyKernel(true);
export const sparseSoftmaxCrossEntropyGradKernel = crossEntropyGradKernel(true);
export const softmaxCrossEntropyKernel = crossEntropyKernel(false);
export const softmaxCrossEntropyGradKernel = crossEntropyGradKernel(false);

/** A float32 scalar: 1 when every value is finite, else 0 (one value comes back, not the tensor). */
export const allFiniteKernel = kernel('allFinite', (backend, [x]) => {
  const { record, values } = backend.output([]);
  values[0] = backend.addon.allFinite(f32(x)) ? 1 : 0;
  return record;
});

/** a·x + b·y over two arrays of one length: an optimizer's update in one pass. */
export const axpbyKernel = kernel('axpby', (backend, [x, y], attrs) => {
  const { record, values } = backend.output(x.shape);
  backend.addon.axpby(f32(x), f32(y), values, attrs.a, attrs.b);
  return record;
});
