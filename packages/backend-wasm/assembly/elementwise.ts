// Elementwise kernels over float32 arrays in linear memory: x, out are byte offsets, n counts
// floats. Arithmetic that is exact in float32 (+, −, ×, ÷, √, min/max, comparisons) runs as f32x4;
// transcendental functions use float64 Math and round once, like the 'js' reference.

// unary op codes (kept in sync with src/ops.ts)
export const NEG = 0;
export const ABS = 1;
export const SIGN = 2;
export const EXP = 3;
export const EXPM1 = 4;
export const LOG = 5;
export const LOG1P = 6;
export const SQRT = 7;
export const RSQRT = 8;
export const SQUARE = 9;
export const RECIPROCAL = 10;
export const TANH = 11;
export const SIGMOID = 12;
export const SOFTPLUS = 13;
export const RELU = 14;
export const STEP = 15;
export const FLOOR = 16;
export const CEIL = 17;
export const ROUND = 18;
export const IS_FINITE = 19;
export const COPY = 20;

function sigmoid64(x: f64): f64 {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function softplus64(x: f64): f64 {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** The float64 scalar path of the unary ops without a SIMD form. */
function scalarUnary(op: i32, v: f64): f64 {
  switch (op) {
    case EXP: return Math.exp(v);
    case EXPM1: return Math.expm1(v);
    case LOG: return Math.log(v);
    case LOG1P: return Math.log1p(v);
    case TANH: return Math.tanh(v);
    case SIGMOID: return sigmoid64(v);
    case SOFTPLUS: return softplus64(v);
    case ROUND: return Math.floor(v + 0.5);
    default: return v;
  }
}

/**
 * The loops, inlined into one copy per op code (their `op` argument is then a constant, so the
 * switch on it folds away and each loop body is straight-line SIMD). Static methods rather than
 * functions, because decorators on functions are not TypeScript syntax.
 */
class Loops {
  /** The f32x4 form of the ops that have one. */
  @inline static vectorUnary(op: i32, x: v128): v128 {
    const zero = f32x4.splat(0);
    const one = f32x4.splat(1);
    switch (op) {
      case NEG: return f32x4.neg(x);
      case ABS: return f32x4.abs(x);
      case SIGN: {
        // 1, -1 or 0; NaN gives 0 like the reference (x > 0 ? 1 : x < 0 ? -1 : 0)
        return v128.or(v128.and(f32x4.gt(x, zero), one), v128.and(f32x4.lt(x, zero), f32x4.splat(-1)));
      }
      case SQRT: return f32x4.sqrt(x);
      case RSQRT: return f32x4.div(one, f32x4.sqrt(x));
      case SQUARE: return f32x4.mul(x, x);
      case RECIPROCAL: return f32x4.div(one, x);
      case RELU: {
        // x where x > 0 or NaN (a diverged value stays NaN), else 0
        const keep = v128.or(f32x4.gt(x, zero), f32x4.ne(x, x));
        return v128.and(x, keep);
      }
      case STEP: {
        const nan = f32x4.ne(x, x);
        return v128.bitselect(x, v128.and(f32x4.gt(x, zero), one), nan);
      }
      case FLOOR: return f32x4.floor(x);
      case CEIL: return f32x4.ceil(x);
      case IS_FINITE: {
        // |x| <= max finite is false for ±Infinity and NaN
        return v128.and(f32x4.le(f32x4.abs(x), f32x4.splat(f32.MAX_VALUE)), one);
      }
      default: return x;
    }
  }

  @inline static unaryLoop(op: i32, x: usize, out: usize, n: i32): void {
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o = usize(i) * 4;
      v128.store(out + o, Loops.vectorUnary(op, v128.load(x + o)));
    }
    for (; i < n; i++) {
      const o = usize(i) * 4;
      store<f32>(out + o, f32x4.extract_lane(Loops.vectorUnary(op, f32x4.splat(load<f32>(x + o))), 0));
    }
  }

  @inline static vectorBinary(op: i32, a: v128, b: v128): v128 {
    const one = f32x4.splat(1);
    switch (op) {
      case ADD: return f32x4.add(a, b);
      case SUB: return f32x4.sub(a, b);
      case MUL: return f32x4.mul(a, b);
      case DIV: return f32x4.div(a, b);
      // a where a >= b or a is NaN, else b (the reference's tie and NaN rules)
      case MAXIMUM: return v128.bitselect(a, b, v128.or(f32x4.ge(a, b), f32x4.ne(a, a)));
      case MINIMUM: return v128.bitselect(a, b, v128.or(f32x4.le(a, b), f32x4.ne(a, a)));
      case EQUAL: return v128.and(f32x4.eq(a, b), one);
      case NOT_EQUAL: return v128.and(f32x4.ne(a, b), one);
      case LESS: return v128.and(f32x4.lt(a, b), one);
      case LESS_EQUAL: return v128.and(f32x4.le(a, b), one);
      case GREATER: return v128.and(f32x4.gt(a, b), one);
      case GREATER_EQUAL: return v128.and(f32x4.ge(a, b), one);
      default: return b;
    }
  }

  @inline static binaryLoop(op: i32, a: usize, aLayout: i32, b: usize, bLayout: i32, out: usize, outer: i32, inner: i32): void {
    if (aLayout == FULL && bLayout == FULL) {
      const n = outer * inner;
      let i = 0;
      for (; i + 4 <= n; i += 4) {
        const o = usize(i) * 4;
        v128.store(out + o, Loops.vectorBinary(op, v128.load(a + o), v128.load(b + o)));
      }
      for (; i < n; i++) {
        const o = usize(i) * 4;
        store<f32>(out + o, f32x4.extract_lane(Loops.vectorBinary(op, f32x4.splat(load<f32>(a + o)), f32x4.splat(load<f32>(b + o))), 0));
      }
      return;
    }
    if ((inner & 3) == 0 && aLayout <= ROW && bLayout <= ROW) {
      // full with a row (a bias), rows a multiple of 4 wide: one flat loop, the row's offset cycling
      const n = outer * inner;
      let j = 0;
      for (let i = 0; i < n; i += 4) {
        const o = usize(i) * 4;
        const r = usize(j) * 4;
        const x = aLayout == FULL ? v128.load(a + o) : v128.load(a + r);
        const y = bLayout == FULL ? v128.load(b + o) : v128.load(b + r);
        v128.store(out + o, Loops.vectorBinary(op, x, y));
        j += 4;
        if (j == inner) j = 0;
      }
      return;
    }
    const aSplat = aLayout == COLUMN || aLayout == SCALAR;
    const bSplat = bLayout == COLUMN || bLayout == SCALAR;
    for (let o = 0; o < outer; o++) {
      const rowOffset = usize(o) * usize(inner) * 4;
      const aBase = aLayout == FULL ? a + rowOffset : a;
      const bBase = bLayout == FULL ? b + rowOffset : b;
      const as = aLayout == COLUMN ? load<f32>(a + usize(o) * 4) : load<f32>(a);
      const bs = bLayout == COLUMN ? load<f32>(b + usize(o) * 4) : load<f32>(b);
      const av = f32x4.splat(as);
      const bv = f32x4.splat(bs);
      const dst = out + rowOffset;
      let j = 0;
      for (; j + 4 <= inner; j += 4) {
        const off = usize(j) * 4;
        const x = aSplat ? av : v128.load(aBase + off);
        const y = bSplat ? bv : v128.load(bBase + off);
        v128.store(dst + off, Loops.vectorBinary(op, x, y));
      }
      for (; j < inner; j++) {
        const off = usize(j) * 4;
        const x = aSplat ? as : load<f32>(aBase + off);
        const y = bSplat ? bs : load<f32>(bBase + off);
        store<f32>(dst + off, f32x4.extract_lane(Loops.vectorBinary(op, f32x4.splat(x), f32x4.splat(y)), 0));
      }
    }
  }
}

export function unary(op: i32, x: usize, out: usize, n: i32): void {
  if (op == COPY) {
    memory.copy(out, x, usize(n) * 4);
    return;
  }
  switch (op) {
    case NEG: Loops.unaryLoop(NEG, x, out, n); return;
    case ABS: Loops.unaryLoop(ABS, x, out, n); return;
    case SIGN: Loops.unaryLoop(SIGN, x, out, n); return;
    case SQRT: Loops.unaryLoop(SQRT, x, out, n); return;
    case RSQRT: Loops.unaryLoop(RSQRT, x, out, n); return;
    case SQUARE: Loops.unaryLoop(SQUARE, x, out, n); return;
    case RECIPROCAL: Loops.unaryLoop(RECIPROCAL, x, out, n); return;
    case RELU: Loops.unaryLoop(RELU, x, out, n); return;
    case STEP: Loops.unaryLoop(STEP, x, out, n); return;
    case FLOOR: Loops.unaryLoop(FLOOR, x, out, n); return;
    case CEIL: Loops.unaryLoop(CEIL, x, out, n); return;
    case IS_FINITE: Loops.unaryLoop(IS_FINITE, x, out, n); return;
    default: break;
  }
  for (let i = 0; i < n; i++) {
    const o = usize(i) * 4;
    store<f32>(out + o, f32(scalarUnary(op, f64(load<f32>(x + o)))));
  }
}

/** x·scale + offset computed in float64 and rounded once, bit for bit like the reference. */
export function affine(x: usize, out: usize, n: i32, scale: f64, offset: f64): void {
  const s = f64x2.splat(scale);
  const t = f64x2.splat(offset);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = usize(i) * 4;
    const v = v128.load(x + o);
    const lo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v), s), t);
    const hi = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), s), t);
    const rlo = f32x4.demote_f64x2_zero(lo);
    const rhi = f32x4.demote_f64x2_zero(hi);
    v128.store(out + o, i32x4.shuffle(rlo, rhi, 0, 1, 4, 5));
  }
  for (; i < n; i++) {
    const o = usize(i) * 4;
    store<f32>(out + o, f32(f64(load<f32>(x + o)) * scale + offset));
  }
}

/**
 * clip (mode 0): values below `below` become `low`, above `above` become `high`;
 * insideRange (mode 1): 1 where below <= x <= above, else 0. The thresholds are the float32
 * values equivalent to the float64 bounds, so comparisons agree with the reference.
 */
export function clip(mode: i32, x: usize, out: usize, n: i32, below: f32, above: f32, low: f32, high: f32): void {
  const b = f32x4.splat(below);
  const a = f32x4.splat(above);
  const lo = f32x4.splat(low);
  const hi = f32x4.splat(high);
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = usize(i) * 4;
    const v = v128.load(x + o);
    let r: v128;
    if (mode == 0) {
      r = v128.bitselect(lo, v, f32x4.lt(v, b));
      r = v128.bitselect(hi, r, f32x4.gt(v, a));
    } else {
      r = v128.and(v128.and(f32x4.ge(v, b), f32x4.le(v, a)), one);
    }
    v128.store(out + o, r);
  }
  for (; i < n; i++) {
    const o = usize(i) * 4;
    const v = load<f32>(x + o);
    store<f32>(out + o, mode == 0 ? (v < below ? low : v > above ? high : v) : (v >= below && v <= above ? 1 : 0));
  }
}

// binary op codes (kept in sync with src/ops.ts)
export const ADD = 0;
export const SUB = 1;
export const MUL = 2;
export const DIV = 3;
export const MAXIMUM = 4;
export const MINIMUM = 5;
export const EQUAL = 6;
export const NOT_EQUAL = 7;
export const LESS = 8;
export const LESS_EQUAL = 9;
export const GREATER = 10;
export const GREATER_EQUAL = 11;
/** out = b: materialises a broadcast (broadcastTo). */
export const SECOND = 12;

// operand layouts over an [outer, inner] result
export const FULL = 0;
/** one row of `inner` values, repeated for every outer index (a bias) */
export const ROW = 1;
/** one value per outer index, repeated along inner ([m, 1] against [m, n]) */
export const COLUMN = 2;
export const SCALAR = 3;

/** out[o, j] = op(A(o, j), B(o, j)) with each operand read in its layout. */
export function binary(op: i32, a: usize, aLayout: i32, b: usize, bLayout: i32, out: usize, outer: i32, inner: i32): void {
  switch (op) {
    case ADD: Loops.binaryLoop(ADD, a, aLayout, b, bLayout, out, outer, inner); return;
    case SUB: Loops.binaryLoop(SUB, a, aLayout, b, bLayout, out, outer, inner); return;
    case MUL: Loops.binaryLoop(MUL, a, aLayout, b, bLayout, out, outer, inner); return;
    case DIV: Loops.binaryLoop(DIV, a, aLayout, b, bLayout, out, outer, inner); return;
    case MAXIMUM: Loops.binaryLoop(MAXIMUM, a, aLayout, b, bLayout, out, outer, inner); return;
    case MINIMUM: Loops.binaryLoop(MINIMUM, a, aLayout, b, bLayout, out, outer, inner); return;
    case EQUAL: Loops.binaryLoop(EQUAL, a, aLayout, b, bLayout, out, outer, inner); return;
    case NOT_EQUAL: Loops.binaryLoop(NOT_EQUAL, a, aLayout, b, bLayout, out, outer, inner); return;
    case LESS: Loops.binaryLoop(LESS, a, aLayout, b, bLayout, out, outer, inner); return;
    case LESS_EQUAL: Loops.binaryLoop(LESS_EQUAL, a, aLayout, b, bLayout, out, outer, inner); return;
    case GREATER: Loops.binaryLoop(GREATER, a, aLayout, b, bLayout, out, outer, inner); return;
    case GREATER_EQUAL: Loops.binaryLoop(GREATER_EQUAL, a, aLayout, b, bLayout, out, outer, inner); return;
    default: Loops.binaryLoop(SECOND, a, aLayout, b, bLayout, out, outer, inner);
  }
}

/** oneHot: out (n × depth, zeroed here) gets 1 at each whole index in range. */
export function oneHot(indices: usize, out: usize, n: i32, depth: i32): void {
  memory.fill(out, 0, usize(n) * usize(depth) * 4);
  for (let i = 0; i < n; i++) {
    const v = load<f32>(indices + usize(i) * 4);
    const k = i32(v);
    if (f32(k) == v && k >= 0 && k < depth) store<f32>(out + (usize(i) * usize(depth) + usize(k)) * 4, 1);
  }
}

/** 2-D transpose of rows × cols (batched: `count` matrices one after another), in 4×4 blocks. */
export function transpose2d(x: usize, out: usize, rows: i32, cols: i32, count: i32): void {
  const size = usize(rows) * usize(cols) * 4;
  for (let t = 0; t < count; t++) {
    const src = x + usize(t) * size;
    const dst = out + usize(t) * size;
    const r4 = rows & ~3;
    const c4 = cols & ~3;
    const inRow = usize(cols) * 4;
    const outRow = usize(rows) * 4;
    for (let i = 0; i < r4; i += 4) {
      for (let j = 0; j < c4; j += 4) {
        const s = src + usize(i) * inRow + usize(j) * 4;
        const v0 = v128.load(s);
        const v1 = v128.load(s + inRow);
        const v2 = v128.load(s + 2 * inRow);
        const v3 = v128.load(s + 3 * inRow);
        const t0 = f32x4.shuffle(v0, v1, 0, 4, 1, 5);
        const t1 = f32x4.shuffle(v2, v3, 0, 4, 1, 5);
        const t2 = f32x4.shuffle(v0, v1, 2, 6, 3, 7);
        const t3 = f32x4.shuffle(v2, v3, 2, 6, 3, 7);
        const d = dst + usize(j) * outRow + usize(i) * 4;
        v128.store(d, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
        v128.store(d + outRow, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
        v128.store(d + 2 * outRow, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
        v128.store(d + 3 * outRow, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
      }
    }
    // the ragged right and bottom edges
    for (let i = 0; i < rows; i++) {
      const jStart = i < r4 ? c4 : 0;
      for (let j = jStart; j < cols; j++) {
        store<f32>(dst + usize(j) * outRow + usize(i) * 4, load<f32>(src + usize(i) * inRow + usize(j) * 4));
      }
    }
  }
}
