// One measurement of `keel bench`, in its own process so its peak memory is its own and engines
// cannot disturb each other: `node child.js '<job json>'` prints the result as its last line.
import { defaultRegistry } from '@keel/registry';
import { installKeel, selectBackend } from '../setup.js';
import type { EngineSpec } from './engines.js';
import { keelEpoch } from './keel-epoch.js';
import { keelMatmulGflops, tfjsMatmulGflops } from './matmul.js';
import { mnistArrays } from './mnist.js';
import { tfjsEpoch } from './tfjs-epoch.js';
import { loadTfjs } from './tfjs.js';
import { runResult, type EpochMeasure, type RunResult, type Workload } from './workloads.js';
import { configureKeelEngine } from './keel-engine.js';

export type Job =
  | { readonly task: 'epoch'; readonly engine: EngineSpec; readonly workload: Workload; readonly budgetSeconds: number }
  | { readonly task: 'matmul'; readonly engine: EngineSpec; readonly minSeconds: number };

export type JobOutput = { readonly unavailable: string } | { readonly epoch: RunResult } | { readonly gflops: number[] };

function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function result(m: EpochMeasure, batchSize: number, samples: number): RunResult {
  return runResult(m, batchSize, samples, peakRssMB());
}

async function runJob(job: Job): Promise<JobOutput> {
  const { engine } = job;
  if (engine.library === 'keel') {
    const registry = installKeel(defaultRegistry);
    const why = await configureKeelEngine(engine);
    if (why !== undefined) return { unavailable: why };
    selectBackend(engine.backend);
    if (job.task === 'matmul') return { gflops: keelMatmulGflops(engine.backend, job.minSeconds) };
    const data = await mnistArrays();
    return { epoch: result(await keelEpoch(job.workload, data, registry, job.budgetSeconds), job.workload.batchSize, data.train.count) };
  }
  const tf = await loadTfjs(engine.backend);
  if ('unavailable' in tf) return tf;
  if (job.task === 'matmul') return { gflops: tfjsMatmulGflops(tf, job.minSeconds) };
  const data = await mnistArrays();
  return { epoch: result(await tfjsEpoch(tf, job.workload, data, job.budgetSeconds), job.workload.batchSize, data.train.count) };
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const output = await runJob(job);
process.stdout.write(`${JSON.stringify(output)}\n`);
// Worker threads of a backend must not hold the measurement open.
process.exit(0);
