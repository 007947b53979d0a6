// Reductions over [outer, reduced, inner] blocks (the reduced axes contiguous in memory), and
// softmax along one axis. Sums accumulate in float64 in the reference's order and round once.

export const SUM = 0;
export const MAX = 1;
export const MIN = 2;

/** Sums rows of `inner` floats in float64, 8 columns at a time (each column in input order). */
function sumColumns(x: usize, out: usize, reduced: i32, inner: i32): void {
  const stride = usize(inner) * 4;
  let j = 0;
  for (; j + 8 <= inner; j += 8) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let p = x + usize(j) * 4;
    for (let r = 0; r < reduced; r++) {
      const v = v128.load(p);
      const w = v128.load(p, 16);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      s2 = f64x2.add(s2, f64x2.promote_low_f32x4(w));
      s3 = f64x2.add(s3, f64x2.promote_low_f32x4(i32x4.shuffle(w, w, 2, 3, 0, 1)));
      p += stride;
    }
    const d = out + usize(j) * 4;
    v128.store(d, i32x4.shuffle(f32x4.demote_f64x2_zero(s0), f32x4.demote_f64x2_zero(s1), 0, 1, 4, 5));
    v128.store(d + 16, i32x4.shuffle(f32x4.demote_f64x2_zero(s2), f32x4.demote_f64x2_zero(s3), 0, 1, 4, 5));
  }
  for (; j < inner; j++) {
    let s: f64 = 0;
    let p = x + usize(j) * 4;
    for (let r = 0; r < reduced; r++) {
      s += f64(load<f32>(p));
      p += stride;
    }
    store<f32>(out + usize(j) * 4, f32(s));
  }
}

/** max (kind MAX) or min of rows of `inner` floats: NaN wins, ties keep the first, like the reference. */
function extremeColumns(kind: i32, x: usize, out: usize, reduced: i32, inner: i32): void {
  const stride = usize(inner) * 4;
  const empty: f32 = kind == MAX ? -Infinity : Infinity;
  let j = 0;
  for (; j + 4 <= inner; j += 4) {
    let p = x + usize(j) * 4;
    let best = reduced > 0 ? v128.load(p) : f32x4.splat(empty);
    for (let r = 1; r < reduced; r++) {
      p += stride;
      const v = v128.load(p);
      const better = kind == MAX ? f32x4.gt(v, best) : f32x4.lt(v, best);
      best = v128.bitselect(v, best, v128.or(better, f32x4.ne(v, v)));
    }
    v128.store(out + usize(j) * 4, best);
  }
  for (; j < inner; j++) {
    let p = x + usize(j) * 4;
    let best: f32 = reduced > 0 ? load<f32>(p) : empty;
    for (let r = 1; r < reduced; r++) {
      p += stride;
      const v = load<f32>(p);
      if ((kind == MAX ? v > best : v < best) || v != v) best = v;
    }
    store<f32>(out + usize(j) * 4, best);
  }
}

export function reduce(kind: i32, x: usize, out: usize, outer: i32, reduced: i32, inner: i32): void {
  const block = usize(reduced) * usize(inner) * 4;
  for (let o = 0; o < outer; o++) {
    const src = x + usize(o) * block;
    const dst = out + usize(o) * usize(inner) * 4;
    if (kind == SUM && inner == 1) {
      // one contiguous run: a plain float64 running sum, in order
      let s: f64 = 0;
      for (let r = 0; r < reduced; r++) s += f64(load<f32>(src + usize(r) * 4));
      store<f32>(dst, f32(s));
    } else if (kind == SUM) {
      sumColumns(src, dst, reduced, inner);
    } else {
      extremeColumns(kind, src, dst, reduced, inner);
    }
  }
}

/**
 * softmax (log = false) or logSoftmax along the middle axis of [outer, dim, inner], max-subtracted
 * and in float64 like the reference: softmax([1000, 0]) is [1, 0], logSoftmax gives [0, -1000].
 */
export function softmax(log: bool, x: usize, out: usize, outer: i32, dim: i32, inner: i32): void {
  const stride = usize(inner) * 4;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = (usize(o) * usize(dim) * usize(inner) + usize(i)) * 4;
      const src = x + start;
      const dst = out + start;
      let max: f64 = -Infinity;
      for (let r = 0; r < dim; r++) {
        const v = f64(load<f32>(src + usize(r) * stride));
        if (v > max || v != v) max = v;
      }
      let sum: f64 = 0;
      for (let r = 0; r < dim; r++) sum += Math.exp(f64(load<f32>(src + usize(r) * stride)) - max);
      if (log) {
        const logSum = Math.log(sum) + max;
        for (let r = 0; r < dim; r++) store<f32>(dst + usize(r) * stride, f32(f64(load<f32>(src + usize(r) * stride)) - logSum));
      } else {
        const scale = 1 / sum;
        for (let r = 0; r < dim; r++) store<f32>(dst + usize(r) * stride, f32(Math.exp(f64(load<f32>(src + usize(r) * stride)) - max) * scale));
      }
    }
  }
}
