// The fused kernels of a training step's hot path, in their reference form. Each replaces a
// chain of small ops with one pass, so a backend that implements them does one call instead of
// several (and writes one array instead of several).
import { promote } from '../../dtype.js';
import { sigmoid } from './unary.js';
import { allocate, host, type JsKernel } from './util.js';


/**
 * act(z + bias) over [..., units] with bias [units] (or act(z) without one). The sum is stored
 * before the activation reads it, so float32 results equal add-then-activation exactly.
 */
export const biasActivationKernel: JsKernel<'biasActivation'> = (inputs, attrs) => {
  const [z, bias] = inputs;
  const activation = attrs.activation;
  const dtype = bias === undefined ? z.dtype : promote(z.dtype, bias.dtype);
  const zv = z.data;
  const out = allocate(dtype, zv.length);
  if (bias === undefined) out.set(zv);
  else {
    const bv = bias.data;
    const units = bv.length;
    for (let i = 0; i < zv.length; i += units) {
      for (let j = 0; j < units; j++) out[i + j] = zv[i + j] + bv[j];
    }
  }
  if (activation === 'relu') {
    // NaN stays NaN: a diverged value must not silently become 0.
    for (let i = 0; i < out.length; i++) if (!(out[i] > 0) && out[i] === out[i]) out[i] = 0;
  } else if (activation === 'sigmoid') {
    for (let i = 0; i < out.length; i++) out[i] = sigmoid(out[i]);
  } else if (activation === 'tanh') {
    for (let i = 0; i < out.length; i++) out[i] = Math.tanh(out[i]);
  }
  return host(out, z.shape, dtype);
};

/**
 * dz = dy ⊙ act'(z), written with the activation's output y = act(z) — relu: [y > 0],
 * sigmoid: y(1 − y), tanh: 1 − y² — so the derivative is never applied to the wrong value.
 * NaN in y passes through as NaN.
 */
export const activationGradKernel: JsKernel<'activationGrad'> = ([y, dy], attrs) => {
  const activation = attrs.activation;
  const dtype = promote(y.dtype, dy.dtype);
  const yv = y.data;
  const dv = dy.data;
  const out = allocate(dtype, yv.length);
  if (activation === 'relu') {
    for (let i = 0; i < out.length; i++) {
      const v = yv[i];
      out[i] = v > 0 ? dv[i] : v !== v ? v : 0;
    }
  } else if (activation === 'sigmoid') {
    for (let i = 0; i < out.length; i++) out[i] = dv[i] * (yv[i] * (1 - yv[i]));
  } else if (activation === 'tanh') {
    for (let i = 0; i < out.length; i++) out[i] = dv[i] * (1 - yv[i] * yv[i]);
  } else out.set(dv);
  return host(out, y.shape, dtype);
};

/** The max and log Σ exp(x − max) of one row, so log-sum-exp = max + that (finite for finite rows). */
function rowLogSumExp(x: ArrayLike<number>, start: number, classes: number): number {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) {
    const v = x[start + c];
    if (v > max || v !== v) max = v;
  }
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += Math.exp(x[start + c] - max);
  return max + Math.log(sum);
}

/**
 * Per-row −log softmax(x)[label] = logΣexp(x) − x[label] for logits [rows, classes] and labels
 * [rows] (whole numbers; an out-of-range label gives NaN, never a silent 0).
 */
export const sparseSoftmaxCrossEntropyKernel: JsKernel<'sparseSoftmaxCrossEntropy'> = ([logits, labels]) => {
  const [rows, classes] = logits.shape;
  const x = logits.data;
  const l = labels.data;
  const out = allocate(logits.dtype, rows);
  for (let r = 0; r < rows; r++) {
    const label = l[r];
    const start = r * classes;
    out[r] = label >= 0 && label < classes && Number.isInteger(label) ? rowLogSumExp(x, start, classes) - x[start + label] : NaN;
  }
  return host(out, [rows], logits.dtype);
};

/** dlogits = dy · (softmax(x) − onehot(label)), per row. */
export const sparseSoftmaxCrossEntropyGradKernel: JsKernel<'sparseSoftmaxCrossEntropyGrad'> = ([logits, labels, dy]) => {
  const [rows, classes] = logits.shape;
  const x = logits.data;
  const l = labels.data;
  const d = dy.data;
  const out = allocate(logits.dtype, rows * classes);
  for (let r = 0; r < rows; r++) {
    const start = r * classes;
    const lse = rowLogSumExp(x, start, classes);
    for (let c = 0; c < classes; c++) out[start + c] = d[r] * (Math.exp(x[start + c] - lse) - (c === l[r] ? 1 : 0));
  }
  return host(out, logits.shape, logits.dtype);
};

/** Per-row −Σ t·log softmax(x) = logΣexp(x)·Σt − Σ t·x, for logits and targets [rows, classes]. */
export const softmaxCrossEntropyKernel: JsKernel<'softmaxCrossEntropy'> = ([logits, targets]) => {
  const [rows, classes] = logits.shape;
  const x = logits.data;
  const t = targets.data;
  const dtype = promote(logits.dtype, targets.dtype);
  const out = allocate(dtype, rows);
  for (let r = 0; r < rows; r++) {
    const start = r * classes;
    const lse = rowLogSumExp(x, start, classes);
    let loss = 0;
    for (let c = 0; c < classes; c++) {
      const target = t[start + c];
      // a zero target contributes nothing, even where x − lse underflowed to −∞
      if (target !== 0) loss -= target * (x[start + c] - lse);
    }
    out[r] = loss;
  }
  return host(out, [rows], dtype);
};

/** dlogits = dy · (softmax(x)·Σt − t), per row: softmax − t for targets that sum to 1. */
export const softmaxCrossEntropyGradKernel: JsKernel<'softmaxCrossEntropyGrad'> = ([logits, targets, dy]) => {
  const [rows, classes] = logits.shape;
  const x = logits.data;
  const t = targets.data;
  const d = dy.data;
  const out = allocate(logits.dtype, rows * classes);
  for (let r = 0; r < rows; r++) {
    const start = r * classes;
    const lse = rowLogSumExp(x, start, classes);
    let mass = 0;
    for (let c = 0; c < classes; c++) mass += t[start + c];
    for (let c = 0; c < classes; c++) out[start + c] = d[r] * (Math.exp(x[start + c] - lse) * mass - t[start + c]);
  }
  return host(out, logits.shape, logits.dtype);
};

/** A scalar: 1 when every value is finite, else 0 (the numerics guard's check, without a read-back of the values). */
export const allFiniteKernel: JsKernel<'allFinite'> = ([x]) => {
  const v = x.data;
  let finite = 1;
  for (let i = 0; i < v.length; i++) {
    // x − x is 0 for finite x and NaN for ±Infinity and NaN
    if (v[i] - v[i] !== 0) {
      finite = 0;
      break;
    }
  }
  return host(allocate('float32', 1).fill(finite), [], 'float32');
};

/**
 * a·x + b·y over two arrays of one shape and dtype. Each product is stored (rounded to the dtype)
 * before the sum, as `mul` then `add` would, so the fused update equals the unfused one exactly.
 */
export const axpbyKernel: JsKernel<'axpby'> = ([x, y], attrs) => {
  const a = attrs.a;
  const b = attrs.b;
  const xv = x.data;
  const yv = y.data;
  const out = allocate(x.dtype, xv.length);
  const round = x.dtype === 'float32' ? Math.fround : (v: number) => v;
  // + 0: a zero comes out +0, as from the unfused ops (whose scaling is x·a + 0)
  for (let i = 0; i < out.length; i++) out[i] = round(xv[i] * a) + round(yv[i] * b) + 0;
  return host(out, x.shape, x.dtype);
};
