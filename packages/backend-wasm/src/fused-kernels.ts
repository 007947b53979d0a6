// The fused kernels of a training step's hot path (assembly/fused.ts): a dense layer's bias and
// activation, its gradient, softmax cross-entropy and its gradient, the numerics guard's
// allFinite, and axpby (an optimizer's update). Inputs come contiguous from @keel/tensor's ops
// (leading axes already flattened); a layout or activation these kernels do not know runs on the
// 'js' reference, like float64 inputs.
import type { FusedActivation } from '@keel/tensor';
import { count, kernel, type WasmBodies, type WasmBody, type WasmRecord } from './kernel.js';
import { Activation } from './ops.js';
import { activationGrad, axpby, biasActivation } from './parallel-map.js';

/** The code of attrs.activation, or undefined for one the kernels do not know. */
function activationOf(attrs: { readonly activation: FusedActivation }): number | undefined {
  const name: string = attrs.activation;
  return typeof name === 'string' && Object.hasOwn(Activation, name) ? Activation[name as keyof typeof Activation] : undefined;
}

/** act(z + bias) with bias [units] over z [..., units], or act(z). Large ones split across threads like add. */
const biasActivationKernel = kernel('biasActivation', (backend, [z, bias], attrs) => {
  const act = activationOf(attrs);
  const units = z.shape.length > 0 ? z.shape[z.shape.length - 1] : 1;
  if (act === undefined || (bias !== undefined && (bias.shape.length !== 1 || count(bias) !== units))) return undefined;
  const pz = backend.input(z);
  const pb = bias === undefined ? 0 : backend.input(bias);
  const { record, ptr, size } = backend.output(z.shape);
  if (size === 0) return record;
  // without a bias the rows are one run (and 0 means none: linear memory's first bytes hold no tensor)
  if (bias === undefined) biasActivation(backend, act, pz, 0, ptr, 1, count(z));
  else biasActivation(backend, act, pz, pb, ptr, count(z) / units, units);
  return record;
});

/** dy·act′ from the activation's output y. */
const activationGradKernel = kernel('activationGrad', (backend, [y, dy], attrs) => {
  const act = activationOf(attrs);
  if (act === undefined || count(y) !== count(dy)) return undefined;
  const py = backend.input(y);
  const pdy = backend.input(dy);
  const { record, ptr, size } = backend.output(y.shape);
  if (size > 0) activationGrad(backend, act, py, pdy, ptr, count(y));
  return record;
});

/** Whether logits are [rows, classes] and the labels (sparse: one per row) or targets (one per logit) fit them. */
function fits(sparse: boolean, logits: WasmRecord, second: WasmRecord): boolean {
  return logits.shape.length === 2 && count(second) === (sparse ? logits.shape[0] : count(logits));
}

/** The per-row losses (sparse: labels [rows]; dense: targets [rows, classes]) → [rows]. */
function crossEntropyKernel(sparse: boolean): WasmBody<'sparseSoftmaxCrossEntropy' | 'softmaxCrossEntropy'> {
  return kernel(sparse ? 'sparseSoftmaxCrossEntropy' : 'softmaxCrossEntropy', (backend, [logits, second]) => {
    if (!fits(sparse, logits, second)) return undefined;
    const [rows, classes] = logits.shape;
    const px = backend.input(logits);
    const ps = backend.input(second);
    const { record, ptr } = backend.output([rows]);
    if (rows === 0) return record;
    if (sparse) backend.wasm.sparseSoftmaxCrossEntropy(px, ps, ptr, rows, classes);
    else backend.wasm.softmaxCrossEntropy(px, ps, ptr, rows, classes);
    return record;
  });
}

/** Their gradients with respect to the logits, scaled by dy [rows] → [rows, classes]. */
function crossEntropyGradKernel(sparse: boolean): WasmBody<'sparseSoftmaxCrossEntropyGrad' | 'softmaxCrossEntropyGrad'> {
  return kernel(sparse ? 'sparseSoftmaxCrossEntropyGrad' : 'softmaxCrossEntropyGrad', (backend, [logits, second, dy]) => {
    if (!fits(sparse, logits, second) || count(dy) !== logits.shape[0]) return undefined;
    const [rows, classes] = logits.shape;
    const px = backend.input(logits);
    const ps = backend.input(second);
    const pdy = backend.input(dy);
    const { record, ptr, size } = backend.output(logits.shape);
    if (size === 0) return record;
    if (sparse) backend.wasm.sparseSoftmaxCrossEntropyGrad(px, ps, pdy, ptr, rows, classes);
    else backend.wasm.softmaxCrossEntropyGrad(px, ps, pdy, ptr, rows, classes);
    return record;
  });
}

/**
 * A float32 scalar, 1 when every value is finite: one SIMD scan in linear memory, nothing copied
 * out but the answer. One thread: waking workers would cost more than the scan.
 */
const allFiniteKernel = kernel('allFinite', (backend, [x]) => {
  const px = backend.input(x);
  const { record, ptr } = backend.output([]);
  backend.wasm.allFinite(px, ptr, count(x));
  return record;
});

/**
 * a·x + b·y for x and y of one shape (the op checks it; a mismatch goes to the reference). Large
 * ones split across threads like add; the bits are the reference's on any number of threads.
 */
const axpbyKernel = kernel('axpby', (backend, [x, y], attrs) => {
  if (count(x) !== count(y)) return undefined;
  const px = backend.input(x);
  const py = backend.input(y);
  const { record, ptr, size } = backend.output(x.shape);
  if (size > 0) axpby(backend, px, py, ptr, count(x), attrs.a, attrs.b);
  return record;
});

export const fusedKernels: WasmBodies = {
  biasActivation: biasActivationKernel,
  activationGrad: activationGradKernel,
  sparseSoftmaxCrossEntropy: crossEntropyKernel(true),
  sparseSoftmaxCrossEntropyGrad: crossEntropyGradKernel(true),
  softmaxCrossEntropy: crossEntropyKernel(false),
  softmaxCrossEntropyGrad: crossEntropyGradKernel(false),
  allFinite: allFiniteKernel,
  axpby: axpbyKernel,
};
