// Single-precision matrix product C = A·B (optionally accumulating), with operands read through
// strides so A, Aᵀ, B and Bᵀ all go through the same code. GotoBLAS/BLIS structure: B is packed
// into KC×NC blocks of 8-column panels, A into MC×KC blocks of 4-row panels (zero padded), and a
// 4×8 register-tiled f32x4 micro-kernel accumulates each tile of C in eight v128 registers.

export const MR: i32 = 4;
export const NR: i32 = 8;
export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 512;

function min32(a: i32, b: i32): i32 {
  return a < b ? a : b;
}

/** Transposes the 4×4 block held in four vectors (rows) and stores its columns at dst, dst+16, dst+32, dst+48 with the given stride in bytes. */
function transpose4Store(v0: v128, v1: v128, v2: v128, v3: v128, dst: usize, stride: usize): void {
  const t0 = f32x4.shuffle(v0, v1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(v2, v3, 0, 4, 1, 5);
  const t2 = f32x4.shuffle(v0, v1, 2, 6, 3, 7);
  const t3 = f32x4.shuffle(v2, v3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + stride, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/**
 * Packs rows [0, mc) and columns [0, kc) of A (element (i, p) at a + 4·(i·aRow + p·aCol)) into
 * panels of MR rows: panel r holds, for each p, the MR values of rows r·MR.. at p, contiguous.
 */
function packA(a: usize, aRow: i32, aCol: i32, mc: i32, kc: i32, dst: usize): void {
  for (let i = 0; i < mc; i += MR) {
    const rows = min32(MR, mc - i);
    const panel = dst + usize(i * kc) * 4;
    const src = a + usize(i * aRow) * 4;
    if (rows == MR && aRow == 1) {
      // Aᵀ stored row-major: the 4 rows of one column are adjacent
      const step = usize(aCol) * 4;
      let s = src;
      for (let p = 0; p < kc; p++) {
        v128.store(panel + usize(p) * 16, v128.load(s));
        s += step;
      }
    } else if (rows == MR && aCol == 1) {
      const r1 = usize(aRow) * 4;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const s = src + usize(p) * 4;
        transpose4Store(v128.load(s), v128.load(s + r1), v128.load(s + 2 * r1), v128.load(s + 3 * r1), panel + usize(p) * 16, 16);
      }
      for (; p < kc; p++) {
        const s = src + usize(p) * 4;
        const d = panel + usize(p) * 16;
        store<f32>(d, load<f32>(s));
        store<f32>(d + 4, load<f32>(s + r1));
        store<f32>(d + 8, load<f32>(s + 2 * r1));
        store<f32>(d + 12, load<f32>(s + 3 * r1));
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const d = panel + usize(p) * 16;
        for (let r = 0; r < MR; r++) {
          store<f32>(d + usize(r) * 4, r < rows ? load<f32>(src + usize(r * aRow + p * aCol) * 4) : 0);
        }
      }
    }
  }
}

/**
 * Packs rows [0, kc) and columns [0, nc) of B (element (p, j) at b + 4·(p·bRow + j·bCol)) into
 * panels of NR columns: panel q holds, for each p, the NR values of columns q·NR.. at p.
 */
function packB(b: usize, bRow: i32, bCol: i32, kc: i32, nc: i32, dst: usize): void {
  for (let j = 0; j < nc; j += NR) {
    const cols = min32(NR, nc - j);
    const panel = dst + usize(j * kc) * 4;
    const src = b + usize(j * bCol) * 4;
    if (cols == NR && bCol == 1) {
      const step = usize(bRow) * 4;
      let s = src;
      for (let p = 0; p < kc; p++) {
        const d = panel + usize(p) * 32;
        v128.store(d, v128.load(s));
        v128.store(d + 16, v128.load(s + 16));
        s += step;
      }
    } else if (cols == NR && bRow == 1) {
      // Bᵀ stored row-major: each column of B is contiguous along p
      const c1 = usize(bCol) * 4;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const s = src + usize(p) * 4;
        const d = panel + usize(p) * 32;
        transpose4Store(v128.load(s), v128.load(s + c1), v128.load(s + 2 * c1), v128.load(s + 3 * c1), d, 32);
        const s4 = s + 4 * c1;
        transpose4Store(v128.load(s4), v128.load(s4 + c1), v128.load(s4 + 2 * c1), v128.load(s4 + 3 * c1), d + 16, 32);
      }
      for (; p < kc; p++) {
        const d = panel + usize(p) * 32;
        for (let c = 0; c < NR; c++) store<f32>(d + usize(c) * 4, load<f32>(src + usize(p + c * bCol) * 4));
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const d = panel + usize(p) * 32;
        for (let c = 0; c < NR; c++) {
          store<f32>(d + usize(c) * 4, c < cols ? load<f32>(b + usize(p * bRow + (j + c) * bCol) * 4) : 0);
        }
      }
    }
  }
}

/** Stores (or adds) one accumulated row of 8 values. */
function storeRow(dst: usize, x0: v128, x1: v128, accumulate: bool): void {
  if (accumulate) {
    x0 = f32x4.add(x0, v128.load(dst));
    x1 = f32x4.add(x1, v128.load(dst + 16));
  }
  v128.store(dst, x0);
  v128.store(dst + 16, x1);
}

/**
 * The 4×8 micro-kernel: C[0..mr, 0..nr] (row stride ldc floats) = (or +=) Ap·Bp over kc.
 * Partial tiles go through `tile` (32 floats of scratch).
 */
function kernel4x8(ap: usize, bp: usize, kc: i32, c: usize, ldc: i32, mr: i32, nr: i32, accumulate: bool, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let a = ap;
  let b = bp;
  const end = ap + usize(kc) * 16;
  while (a < end) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(a0, b0));
    c01 = f32x4.add(c01, f32x4.mul(a0, b1));
    const a1 = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(a1, b0));
    c11 = f32x4.add(c11, f32x4.mul(a1, b1));
    const a2 = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(a2, b0));
    c21 = f32x4.add(c21, f32x4.mul(a2, b1));
    const a3 = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(a3, b0));
    c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    a += 16;
    b += 32;
  }
  const row = usize(ldc) * 4;
  if (mr == MR && nr == NR) {
    storeRow(c, c00, c01, accumulate);
    storeRow(c + row, c10, c11, accumulate);
    storeRow(c + 2 * row, c20, c21, accumulate);
    storeRow(c + 3 * row, c30, c31, accumulate);
    return;
  }
  storeRow(tile, c00, c01, false);
  storeRow(tile + 32, c10, c11, false);
  storeRow(tile + 64, c20, c21, false);
  storeRow(tile + 96, c30, c31, false);
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const d = c + usize(i) * row + usize(j) * 4;
      const v = load<f32>(tile + usize(i * 8 + j) * 4);
      store<f32>(d, accumulate ? load<f32>(d) + v : v);
    }
  }
}

/**
 * C (m×n at c, row stride ldc floats) = A·B where A(i, p) is at a + 4·(i·aRow + p·aCol) and B(p, j)
 * at b + 4·(p·bRow + j·bCol). `work` needs MC·KC + KC·NC + 32 floats of scratch (16-byte aligned).
 * Each element of C is summed in an order that depends on k alone (k blocks of equal size, p
 * ascending within a block), so any block of rows or columns computed on its own — as the threads
 * do (see parallel.ts) — gives the same bits as the whole product.
 */
export function gemm(a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, c: usize, ldc: i32, m: i32, n: i32, k: i32, work: usize): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (let i = 0; i < m; i++) memory.fill(c + usize(i) * usize(ldc) * 4, 0, usize(n) * 4);
    return;
  }
  const pa = work;
  const pb = work + usize(MC * KC) * 4;
  const tile = pb + usize(KC * NC) * 4;
  // split k evenly so the last block is not a sliver
  const kBlocks = (k + KC - 1) / KC;
  const kStep = (k + kBlocks - 1) / kBlocks;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min32(NC, n - jc);
    for (let pc = 0; pc < k; pc += kStep) {
      const kc = min32(kStep, k - pc);
      packB(b + usize(pc * bRow + jc * bCol) * 4, bRow, bCol, kc, nc, pb);
      const accumulate = pc > 0;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min32(MC, m - ic);
        packA(a + usize(ic * aRow + pc * aCol) * 4, aRow, aCol, mc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min32(NR, nc - jr);
          const bp = pb + usize(jr * kc) * 4;
          for (let ir = 0; ir < mc; ir += MR) {
            kernel4x8(pa + usize(ir * kc) * 4, bp, kc, c + (usize(ic + ir) * usize(ldc) + usize(jc + jr)) * 4, ldc, min32(MR, mc - ir), nr, accumulate, tile);
          }
        }
      }
    }
  }
}

/** Floats of scratch `gemm` needs. */
export function gemmWorkFloats(): i32 {
  return MC * KC + KC * NC + 32;
}
