// The fused kernels of a training step's hot path (registered by src/fused-kernels.ts): a dense
// layer's bias and activation in one call, the activation's gradient, softmax cross-entropy and
// its gradient, the numerics guard's finiteness check and an optimizer's a·x + b·y. Each computes
// what @keel/tensor's 'js' reference (src/kernels/js/fused.ts) computes: arithmetic exact in
// float32 as f32x4, the rest in float64 rounded once (f64x2 where it vectorises, float64 Math for
// exp, log, tanh, sigmoid).
import { unary, COPY, RELU as UNARY_RELU, SIGMOID as UNARY_SIGMOID, TANH as UNARY_TANH } from './elementwise';

// activation codes (kept in sync with src/ops.ts)
const LINEAR = 0;
const RELU = 1;
const SIGMOID = 2;
const TANH = 3;

/** Floats scanned by allFinite between two checks: a non-finite value ends the scan within a block. */
const FINITE_BLOCK = 1024;

/**
 * Float32 lanes as float64 pairs. Static methods, because decorators on functions are not
 * TypeScript syntax. (Each activation has loops of its own below rather than one loop inlined per
 * activation code: binaryen folds such copies back into one loop that tests the code per vector.)
 */
class Lanes {
  /** The low and high two float32 lanes as float64 pairs, and two pairs back as four float32s (each rounded once). */
  @inline static low(v: v128): v128 {
    return f64x2.promote_low_f32x4(v);
  }

  @inline static high(v: v128): v128 {
    return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
  }

  @inline static join(lo: v128, hi: v128): v128 {
    return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
  }

  /** Four float32 lanes times s (f64x2), each product in float64 rounded once to float32. */
  @inline static scale(v: v128, s: v128): v128 {
    return Lanes.join(f64x2.mul(Lanes.low(v), s), f64x2.mul(Lanes.high(v), s));
  }
}

/** The unary kernel computing an activation (the same code, so the same accuracy). */
function unaryOp(act: i32): i32 {
  return act == RELU ? UNARY_RELU : act == SIGMOID ? UNARY_SIGMOID : act == TANH ? UNARY_TANH : COPY;
}

// ---- biasActivation

/** out = relu(x + bias) over n floats, in one pass; NaN stays NaN (a diverged value must not become 0). */
function biasReluRun(x: usize, bias: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = usize(i) * 4;
    // pmax(s, 0) is s < 0 ? 0 : s (NaN kept; one maxps on x86); + 0 makes its −0 the reference's +0
    const s = f32x4.add(v128.load(x + o), v128.load(bias + o));
    v128.store(out + o, f32x4.add(f32x4.pmax(s, zero), zero));
  }
  for (; i < n; i++) {
    const o = usize(i) * 4;
    const s = load<f32>(x + o) + load<f32>(bias + o);
    store<f32>(out + o, s > 0 || s != s ? s : 0);
  }
}

/** out = x + bias over n floats. */
function addRun(x: usize, bias: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = usize(i) * 4;
    v128.store(out + o, f32x4.add(v128.load(x + o), v128.load(bias + o)));
  }
  for (; i < n; i++) {
    const o = usize(i) * 4;
    store<f32>(out + o, load<f32>(x + o) + load<f32>(bias + o));
  }
}

/**
 * out = act(z + bias) over rows × units, bias [units] repeated for every row; bias 0: act(z), which
 * is the unary kernel of the activation. sigmoid and tanh read the float32 sum back from the row
 * just written (still in cache), as the reference applies them to the stored sum.
 */
export function biasActivation(act: i32, z: usize, bias: usize, out: usize, rows: i32, units: i32): void {
  if (bias == 0) {
    unary(unaryOp(act), z, out, rows * units);
    return;
  }
  const row = usize(units) * 4;
  for (let r = 0; r < rows; r++) {
    const src = z + usize(r) * row;
    const dst = out + usize(r) * row;
    if (act == RELU) {
      biasReluRun(src, bias, dst, units);
    } else {
      addRun(src, bias, dst, units);
      if (act != LINEAR) unary(unaryOp(act), dst, dst, units);
    }
  }
}

// ---- activationGrad: dy·act′ written with the activation's output y

/** relu: dy where y > 0, NaN where y is NaN, else 0. */
function reluGrad(y: usize, dy: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = usize(i) * 4;
    const v = v128.load(y + o);
    v128.store(out + o, v128.or(v128.and(v128.load(dy + o), f32x4.gt(v, zero)), v128.and(v, f32x4.ne(v, v))));
  }
  for (; i < n; i++) {
    const o = usize(i) * 4;
    const v = load<f32>(y + o);
    store<f32>(out + o, v > 0 ? load<f32>(dy + o) : v != v ? v : 0);
  }
}

/** sigmoid: dy·(y·(1 − y)), in float64 rounded once (as the reference: the same bits). */
function sigmoidGrad(y: usize, dy: usize, out: usize, n: i32): void {
  const one = f64x2.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = usize(i) * 4;
    const v = v128.load(y + o);
    const d = v128.load(dy + o);
    const lo = f64x2.mul(Lanes.low(d), f64x2.mul(Lanes.low(v), f64x2.sub(one, Lanes.low(v))));
    const hi = f64x2.mul(Lanes.high(d), f64x2.mul(Lanes.high(v), f64x2.sub(one, Lanes.high(v))));
    v128.store(out + o, Lanes.join(lo, hi));
  }
  for (; i < n; i++) {
    const o = usize(i) * 4;
    const v = f64(load<f32>(y + o));
    store<f32>(out + o, f32(f64(load<f32>(dy + o)) * (v * (1 - v))));
  }
}

/** tanh: dy·(1 − y²), in float64 rounded once. */
function tanhGrad(y: usize, dy: usize, out: usize, n: i32): void {
  const one = f64x2.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = usize(i) * 4;
    const v = v128.load(y + o);
    const d = v128.load(dy + o);
    const lo = f64x2.mul(Lanes.low(d), f64x2.sub(one, f64x2.mul(Lanes.low(v), Lanes.low(v))));
    const hi = f64x2.mul(Lanes.high(d), f64x2.sub(one, f64x2.mul(Lanes.high(v), Lanes.high(v))));
    v128.store(out + o, Lanes.join(lo, hi));
  }
  for (; i < n; i++) {
    const o = usize(i) * 4;
    const v = f64(load<f32>(y + o));
    store<f32>(out + o, f32(f64(load<f32>(dy + o)) * (1 - v * v)));
  }
}

/** out = dy·act′ of n values, from the activation's output y (NaN in y stays NaN). */
export function activationGrad(act: i32, y: usize, dy: usize, out: usize, n: i32): void {
  if (act == RELU) reluGrad(y, dy, out, n);
  else if (act == SIGMOID) sigmoidGrad(y, dy, out, n);
  else if (act == TANH) tanhGrad(y, dy, out, n);
  else memory.copy(out, dy, usize(n) * 4);
}

// ---- allFinite

/**
 * Stores 1 at out when all n floats at x are finite, else 0. x·0 is ±0 for finite x and NaN for
 * ±Infinity and NaN, so sums of it stay 0 until a non-finite value makes them NaN: four
 * accumulators take 16 floats per step, checked once per block. Nothing leaves linear memory.
 */
export function allFinite(x: usize, out: usize, n: i32): void {
  store<f32>(out, finite(x, n) ? 1 : 0);
}

function finite(x: usize, n: i32): bool {
  const zero = f32x4.splat(0);
  const vectors = n & ~15;
  let i = 0;
  while (i < vectors) {
    const end = i + FINITE_BLOCK < vectors ? i + FINITE_BLOCK : vectors;
    let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
    for (; i < end; i += 16) {
      const p = x + usize(i) * 4;
      a0 = f32x4.add(a0, f32x4.mul(v128.load(p), zero));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(p, 16), zero));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(p, 32), zero));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(p, 48), zero));
    }
    const s = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
    if (v128.any_true(f32x4.ne(s, s))) return false;
  }
  for (; i < n; i++) {
    const v = load<f32>(x + usize(i) * 4);
    if (v - v != 0) return false;
  }
  return true;
}

// ---- axpby: an optimizer's update a·x + b·y

/** Whether a scale is a float32: its products with float32 values are then exact in float64. */
function isFloat32(s: f64): bool {
  return f64(f32(s)) == s;
}

/**
 * out = f32(x·a) + f32(y·b) + 0 over n floats, as the reference: each product in float64 rounded
 * to float32 (as `mul` stores it), then a float32 sum (one rounding, so the same as its float64 sum
 * rounded); + 0 turns a −0 sum into +0. Separate multiply and add, never fused. The float64
 * conversions cost more than the memory traffic, so a scale that is a float32 (1 in p − lr·g and
 * in μ·v + g) is applied by one f32x4 multiply instead: its product is exact in float64 (24 + 24
 * bits, far inside the range), and rounding it once to float32 is what that multiply does.
 */
export function axpby(x: usize, y: usize, out: usize, n: i32, a: f64, b: f64): void {
  // the sum does not depend on the order of its terms: put a float32 scale first
  if (!isFloat32(a) && isFloat32(b)) {
    axpby(y, x, out, n, b, a);
    return;
  }
  const fa = f32x4.splat(f32(a));
  const va = f64x2.splat(a);
  const vb = f64x2.splat(b);
  const zero = f32x4.splat(0);
  let i = 0;
  if (isFloat32(a)) {
    for (; i + 4 <= n; i += 4) {
      const o = usize(i) * 4;
      const ax = f32x4.mul(v128.load(x + o), fa);
      v128.store(out + o, f32x4.add(f32x4.add(ax, Lanes.scale(v128.load(y + o), vb)), zero));
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      const o = usize(i) * 4;
      const ax = Lanes.scale(v128.load(x + o), va);
      v128.store(out + o, f32x4.add(f32x4.add(ax, Lanes.scale(v128.load(y + o), vb)), zero));
    }
  }
  for (; i < n; i++) {
    const o = usize(i) * 4;
    store<f32>(out + o, f32(f64(load<f32>(x + o)) * a) + f32(f64(load<f32>(y + o)) * b) + f32(0));
  }
}

// ---- softmax cross-entropy: one row of `classes` logits at a time, in float64 like the reference

/** log Σ exp(x) of one row: max-subtracted (NaN wins the max), so finite rows give finite results. */
function rowLogSumExp(x: usize, classes: i32): f64 {
  let max: f64 = -Infinity;
  for (let c = 0; c < classes; c++) {
    const v = f64(load<f32>(x + usize(c) * 4));
    if (v > max || v != v) max = v;
  }
  let sum: f64 = 0;
  for (let c = 0; c < classes; c++) sum += Math.exp(f64(load<f32>(x + usize(c) * 4)) - max);
  return max + Math.log(sum);
}

/** The class a float label names, or -1 when it is not a whole number in [0, classes). */
function labelClass(label: f32, classes: i32): i32 {
  const l = f64(label);
  return l >= 0 && l < f64(classes) && Math.floor(l) == l ? i32(l) : -1;
}

/** out[r] = logΣexp(x[r]) − x[r, label[r]] for logits [rows, classes]; NaN for an invalid label. */
export function sparseSoftmaxCrossEntropy(x: usize, labels: usize, out: usize, rows: i32, classes: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = x + usize(r) * usize(classes) * 4;
    const k = labelClass(load<f32>(labels + usize(r) * 4), classes);
    const loss = k >= 0 ? rowLogSumExp(row, classes) - f64(load<f32>(row + usize(k) * 4)) : NaN;
    store<f32>(out + usize(r) * 4, f32(loss));
  }
}

/** out[r, c] = dy[r]·(softmax(x[r])[c] − [c = label[r]]) (an invalid label subtracts nothing). */
export function sparseSoftmaxCrossEntropyGrad(x: usize, labels: usize, dy: usize, out: usize, rows: i32, classes: i32): void {
  for (let r = 0; r < rows; r++) {
    const start = usize(r) * usize(classes) * 4;
    const lse = rowLogSumExp(x + start, classes);
    const k = labelClass(load<f32>(labels + usize(r) * 4), classes);
    const d = f64(load<f32>(dy + usize(r) * 4));
    for (let c = 0; c < classes; c++) {
      const o = start + usize(c) * 4;
      store<f32>(out + o, f32(d * (Math.exp(f64(load<f32>(x + o)) - lse) - (c == k ? 1 : 0))));
    }
  }
}

/** out[r] = −Σ_c t[r, c]·(x[r, c] − logΣexp(x[r])), zero targets skipped (x − lse may be −∞ there). */
export function softmaxCrossEntropy(x: usize, targets: usize, out: usize, rows: i32, classes: i32): void {
  for (let r = 0; r < rows; r++) {
    const start = usize(r) * usize(classes) * 4;
    const lse = rowLogSumExp(x + start, classes);
    let loss: f64 = 0;
    for (let c = 0; c < classes; c++) {
      const o = start + usize(c) * 4;
      const t = f64(load<f32>(targets + o));
      if (t != 0) loss -= t * (f64(load<f32>(x + o)) - lse);
    }
    store<f32>(out + usize(r) * 4, f32(loss));
  }
}

/** out[r, c] = dy[r]·(softmax(x[r])[c]·Σt[r] − t[r, c]): softmax − t for targets summing to 1. */
export function softmaxCrossEntropyGrad(x: usize, targets: usize, dy: usize, out: usize, rows: i32, classes: i32): void {
  for (let r = 0; r < rows; r++) {
    const start = usize(r) * usize(classes) * 4;
    const lse = rowLogSumExp(x + start, classes);
    let mass: f64 = 0;
    for (let c = 0; c < classes; c++) mass += f64(load<f32>(targets + start + usize(c) * 4));
    const d = f64(load<f32>(dy + usize(r) * 4));
    for (let c = 0; c < classes; c++) {
      const o = start + usize(c) * 4;
      store<f32>(out + o, f32(d * (Math.exp(f64(load<f32>(x + o)) - lse) * mass - f64(load<f32>(targets + o)))));
    }
  }
}
