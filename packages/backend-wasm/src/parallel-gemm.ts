// One matrix product, on as many threads as pays. The product is cut into chunks of whole rows of
// C (when C has at least as many rows as columns: each chunk then packs all of B and its own rows
// of A) or of whole columns (each chunk packs all of A): the smaller operand is the one packed
// again. Every element of C is computed by exactly one thread, in the order the single-threaded
// kernel uses (that order depends on k only), so threaded results are bit for bit the same.
import type { KernelExports } from './module.js';
import { Job } from './ops.js';
import type { ThreadPool } from './thread-pool.js';

/**
 * Multiply-adds below which a product stays on one thread: waking a worker and waiting for it
 * costs ~10–40 µs, ~0.3–1 M multiply-adds at 30 GFLOP/s.
 */
export const MIN_SPLIT_MACS = 1 << 21;
/** The smallest chunk: each chunk packs the shared operand again. */
const MIN_CHUNK_MACS = 1 << 19;
/** Chunks per thread: a few, so that threads that start late or are slowed down share the work evenly. */
const CHUNKS_PER_THREAD = 4;

/** Chunks to cut an m×k×n product into for `threads` threads (1: not split), each at least one micro-tile wide. */
export function gemmChunks(m: number, n: number, k: number, threads: number): number {
  const macs = m * n * k;
  if (threads <= 1 || macs < MIN_SPLIT_MACS) return 1;
  const tiles = m >= n ? Math.ceil(m / 4) : Math.ceil(n / 8);
  return Math.max(1, Math.min(tiles, threads * CHUNKS_PER_THREAD, Math.floor(macs / MIN_CHUNK_MACS)));
}

/**
 * C (m×n at c, row-major) = A·B with A(i, p) at a + 4·(i·aRow + p·aCol) and B(p, j) at
 * b + 4·(p·bRow + j·bCol), split across the pool's threads when it is large enough.
 */
export function gemm(
  kernels: KernelExports, pool: ThreadPool | undefined, work: number,
  a: number, aRow: number, aCol: number, b: number, bRow: number, bCol: number, c: number, m: number, n: number, k: number,
): void {
  const chunks = gemmChunks(m, n, k, pool === undefined ? 1 : pool.active());
  if (chunks <= 1 || pool === undefined) {
    kernels.gemm(a, aRow, aCol, b, bRow, bCol, c, n, m, n, k, work);
    return;
  }
  const job = pool.jobWords;
  job[0] = Job.gemm;
  job[1] = a;
  job[2] = aRow;
  job[3] = aCol;
  job[4] = b;
  job[5] = bRow;
  job[6] = bCol;
  job[7] = c;
  job[8] = m;
  job[9] = n;
  job[10] = k;
  job[11] = m >= n ? 1 : 0;
  pool.run(chunks, work);
}
