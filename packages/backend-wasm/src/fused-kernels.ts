// The fused kernels of a training step's hot path (assembly/fused.ts): a dense layer's bias and
// activation, its gradient, softmax cross-entropy and its gradient, the numerics guard's
// allFinite, and axpby (an optimizer's update). Inputs come contiguous from @keel/tensor's ops
// (leading axes already flattened); a layout or activation these kernels do not know runs on the
// 'js' reference, like float64 inputs.
import type { Attrs, KernelFn, Tensor } from '@keel/tensor';
import { kernel } from './kernel.js';
import { Activation } from './ops.js';
import { activationGrad, axpby, biasActivation } from './parallel-map.js';

/** The code of attrs.activation, or undefined for one the kernels do not know. */
function activationOf(attrs: Attrs): number | undefined {
  const name = attrs.activation;
  return typeof name === 'string' && Object.hasOwn(Activation, name) ? Activation[name as keyof typeof Activation] : undefined;
}

/** act(z + bias) with bias [units] over z [..., units], or act(z). Large ones split across threads like add. */
const biasActivationKernel = kernel('biasActivation', (backend, [z, bias], attrs) => {
  const act = activationOf(attrs);
  const units = z.rank > 0 ? z.shape[z.rank - 1] : 1;
  if (act === undefined || (bias !== undefined && (bias.rank !== 1 || bias.size !== units))) return undefined;
  const pz = backend.input(z);
  const pb = bias === undefined ? 0 : backend.input(bias);
  const { tensor, ptr } = backend.output(z.shape);
  if (tensor.size === 0) return tensor;
  // without a bias the rows are one run (and 0 means none: linear memory's first bytes hold no tensor)
  if (bias === undefined) biasActivation(backend, act, pz, 0, ptr, 1, z.size);
  else biasActivation(backend, act, pz, pb, ptr, z.size / units, units);
  return tensor;
});

/** dy·act′ from the activation's output y. */
const activationGradKernel = kernel('activationGrad', (backend, [y, dy], attrs) => {
  const act = activationOf(attrs);
  if (act === undefined || y.size !== dy.size) return undefined;
  const py = backend.input(y);
  const pdy = backend.input(dy);
  const { tensor, ptr } = backend.output(y.shape);
  if (tensor.size > 0) activationGrad(backend, act, py, pdy, ptr, y.size);
  return tensor;
});

/** Whether logits are [rows, classes] and the labels (sparse: one per row) or targets (one per logit) fit them. */
function fits(sparse: boolean, logits: Tensor, second: Tensor): boolean {
  return logits.rank === 2 && second.size === (sparse ? logits.shape[0] : logits.size);
}

/** The per-row losses (sparse: labels [rows]; dense: targets [rows, classes]) → [rows]. */
function crossEntropyKernel(sparse: boolean): KernelFn {
  return kernel(sparse ? 'sparseSoftmaxCrossEntropy' : 'softmaxCrossEntropy', (backend, [logits, second]) => {
    if (!fits(sparse, logits, second)) return undefined;
    const [rows, classes] = logits.shape;
    const px = backend.input(logits);
    const ps = backend.input(second);
    const { tensor, ptr } = backend.output([rows]);
    if (rows === 0) return tensor;
    if (sparse) backend.kernels.sparseSoftmaxCrossEntropy(px, ps, ptr, rows, classes);
    else backend.kernels.softmaxCrossEntropy(px, ps, ptr, rows, classes);
    return tensor;
  });
}

/** Their gradients with respect to the logits, scaled by dy [rows] → [rows, classes]. */
function crossEntropyGradKernel(sparse: boolean): KernelFn {
  return kernel(sparse ? 'sparseSoftmaxCrossEntropyGrad' : 'softmaxCrossEntropyGrad', (backend, [logits, second, dy]) => {
    if (!fits(sparse, logits, second) || dy.size !== logits.shape[0]) return undefined;
    const [rows, classes] = logits.shape;
    const px = backend.input(logits);
    const ps = backend.input(second);
    const pdy = backend.input(dy);
    const { tensor, ptr } = backend.output(logits.shape);
    if (tensor.size === 0) return tensor;
    if (sparse) backend.kernels.sparseSoftmaxCrossEntropyGrad(px, ps, pdy, ptr, rows, classes);
    else backend.kernels.softmaxCrossEntropyGrad(px, ps, pdy, ptr, rows, classes);
    return tensor;
  });
}

/**
 * A float32 scalar, 1 when every value is finite: one SIMD scan in linear memory, nothing copied
 * out but the answer. One thread: waking workers would cost more than the scan.
 */
const allFiniteKernel = kernel('allFinite', (backend, [x]) => {
  const px = backend.input(x);
  const { tensor, ptr } = backend.output([]);
  backend.kernels.allFinite(px, ptr, x.size);
  return tensor;
});

/**
 * a·x + b·y for x and y of one shape (the op checks it; a mismatch goes to the reference). Large
 * ones split across threads like add; the bits are the reference's on any number of threads.
 */
const axpbyKernel = kernel('axpby', (backend, [x, y], attrs) => {
  if (x.size !== y.size) return undefined;
  const px = backend.input(x);
  const py = backend.input(y);
  const { tensor, ptr } = backend.output(x.shape);
  if (tensor.size > 0) axpby(backend, px, py, ptr, x.size, attrs.a as number, attrs.b as number);
  return tensor;
});

export const fusedKernels: Record<string, KernelFn> = {
  biasActivation: biasActivationKernel,
  activationGrad: activationGradKernel,
  sparseSoftmaxCrossEntropy: crossEntropyKernel(true),
  sparseSoftmaxCrossEntropyGrad: crossEntropyGradKernel(true),
  softmaxCrossEntropy: crossEntropyKernel(false),
  softmaxCrossEntropyGrad: crossEntropyGradKernel(false),
  allFinite: allFiniteKernel,
  axpby: axpbyKernel,
};
