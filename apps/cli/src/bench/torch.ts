// PyTorch as an optional peer: Debian's python3-torch, run through bench/torch_mnist.py (shipped
// with the CLI) on the same IDX files. The first python3 that can import torch is used.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mnistDirectory } from '@keel/data/node';
import { runProcess } from './spawn-job.js';
import { runResult, type RunResult, type Workload } from './workloads.js';

const script = fileURLToPath(new URL('../../bench/torch_mnist.py', import.meta.url));

let found: string | null | undefined;

/** A python3 that has torch, or null. */
function pythonWithTorch(): string | null {
  found ??= ['python3', '/usr/bin/python3'].find((python) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
  return found;
}

interface TorchOutput {
  readonly seconds: number;
  readonly batches: number;
  readonly totalBatches: number;
  readonly accuracy: number;
  readonly peakRssMB: number;
}

/**
 * One epoch on PyTorch with `threads` for its own ops and `blasThreads` for OpenBLAS, which ignores
 * torch.set_num_threads and would otherwise start one thread per core.
 */
export async function torchEpoch(workload: Workload, threads: number, blasThreads: number, budgetSeconds: number): Promise<{ epoch: RunResult } | { unavailable: string }> {
  const python = pythonWithTorch();
  if (python === null) return { unavailable: 'python3-torch is not installed (apt-get install python3-torch)' };
  const args = [script, mnistDirectory(), workload.architecture, workload.layers.join(','), String(workload.batchSize), String(threads), String(workload.lr), String(budgetSeconds)];
  const blas = String(blasThreads);
  const out = await runProcess<TorchOutput>(python, args, budgetSeconds + 300, { OPENBLAS_NUM_THREADS: blas, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: blas });
  if ('unavailable' in out) return out;
  return { epoch: runResult({ ...out, testAccuracy: out.accuracy }, workload.batchSize, 60_000, out.peakRssMB) };
}
