// PyTorch as an optional peer: Debian's python3-torch, run through bench/torch_mnist.py (shipped
// with the CLI) on the same IDX files. The first python3 that can import torch is used.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mnistDirectory } from '@keel/data/node';
import type { RunResult, Workload } from './workloads.js';

const script = fileURLToPath(new URL('../../bench/torch_mnist.py', import.meta.url));

let found: string | null | undefined;

/** A python3 that has torch, or null. */
function pythonWithTorch(): string | null {
  if (found !== undefined) return found;
  found = null;
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
    if (probe.status === 0) {
      found = python;
      break;
    }
  }
  return found;
}

interface TorchOutput {
  readonly seconds: number;
  readonly batches: number;
  readonly totalBatches: number;
  readonly accuracy: number;
  readonly peakRssMB: number;
}

export function torchEpoch(workload: Workload, threads: number, budgetSeconds: number): Promise<{ epoch: RunResult } | { unavailable: string }> {
  const python = pythonWithTorch();
  if (python === null) return Promise.resolve({ unavailable: 'python3-torch is not installed (apt-get install python3-torch)' });
  const args = [script, mnistDirectory(), workload.architecture, workload.layers.join(','), String(workload.batchSize), String(threads), String(workload.lr), String(budgetSeconds)];
  return new Promise((resolve) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (code) => {
      if (code !== 0) {
        resolve({ unavailable: `failed: ${stderr.trim().split('\n').pop() ?? `exit code ${code}`}` });
        return;
      }
      const out = JSON.parse(stdout.trim().split('\n').pop()!) as TorchOutput;
      const fraction = out.batches / out.totalBatches;
      const samples = Math.min(60_000, out.batches * workload.batchSize);
      resolve({ epoch: { epochSeconds: out.seconds / fraction, samplesPerSecond: samples / out.seconds, testAccuracy: out.accuracy, fraction, peakRssMB: out.peakRssMB } });
    });
  });
}
