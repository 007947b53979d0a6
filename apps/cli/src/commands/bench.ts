// `keel bench`: the standard MNIST workloads on every engine side by side — Keel's backends and
// TensorFlow.js when it is installed — each run in its own process, then one table with ratios,
// and Keel's matmul GFLOP/s per shape.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { renderTable } from '@keel/layers';
import { nearestId } from '@keel/registry';
import type { Flags } from '../args.js';
import type { JobOutput } from '../bench/child.js';
import { allEngines, type EngineSpec } from '../bench/engines.js';
import { MATMUL_SHAPES } from '../bench/matmul.js';
import { runJob } from '../bench/spawn-job.js';
import { torchEpoch } from '../bench/torch.js';
import { WORKLOADS, type RunResult, type Workload } from '../bench/workloads.js';
import type { Command, Context } from '../common.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { count, percent } from '../format.js';

function pick<T extends { id: string }>(flag: string, wanted: readonly string[] | undefined, all: readonly T[]): T[] {
  if (wanted === undefined) return [...all];
  // A repeated id would run (and report) the same measurement twice.
  const twice = wanted.find((id, i) => wanted.indexOf(id) !== i);
  if (twice !== undefined) throw usageError(`--${flag} ${wanted.join(',')} names '${twice}' twice; give each once: --${flag} ${[...new Set(wanted)].join(',')}`);
  return wanted.map((id) => {
    const found = all.find((x) => x.id === id);
    if (found !== undefined) return found;
    const nearest = nearestId(id, all.map((x) => x.id));
    throw usageError(`--${flag}: unknown '${id}'${nearest === undefined ? '' : `; did you mean '${nearest}'?`} choices: ${all.map((x) => x.id).join(', ')}`);
  });
}

interface Row {
  readonly workload: Workload;
  readonly engine: EngineSpec;
  readonly output: JobOutput;
}

const seconds = (s: number): string => (s >= 100 ? s.toFixed(0) : s >= 10 ? s.toFixed(1) : s.toFixed(2));

function epochCells(r: RunResult, best: number | undefined): string[] {
  const partial = r.fraction < 0.999;
  return [
    `${partial ? '≈' : ''}${seconds(r.epochSeconds)}`,
    count(r.samplesPerSecond),
    `${percent(r.testAccuracy)}${partial ? ` (${Math.round(r.fraction * 100)}% of epoch)` : ''}`,
    r.peakRssMB.toFixed(0),
    best === undefined ? '' : `${(r.epochSeconds / best).toFixed(2)}x`,
  ];
}

async function run(flags: Flags, context: Context): Promise<number> {
  const { out } = context;
  if (flags.positionals.length > 0) throw usageError(`keel bench takes no arguments besides flags, got '${flags.positionals[0]}'`);
  const quick = flags.boolean('quick');
  const budget = flags.number('budget', { positive: true }) ?? (quick ? 10 : 120);
  const workloads = pick('workloads', flags.names('workloads'), WORKLOADS);
  const engines = pick('engines', flags.names('engines'), allEngines());
  const withMatmul = !flags.boolean('no-matmul');
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  out.event('bench-start', { node: process.version, cores: availableParallelism(), cpu, budgetSeconds: budget, workloads: workloads.map((w) => w.id), engines: engines.map((e) => e.id) });
  out.line(`keel bench: one epoch of MNIST (60,000 images, SGD) per workload and engine, each in its own process`);
  out.line(`Node ${process.version}, ${availableParallelism()} cores (${cpu}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; time budget ${budget} s per run (≈: extrapolated from a partial epoch)`);
  out.line();

  const rows: Row[] = [];
  let measured = 0;
  for (const workload of workloads) {
    for (const engine of engines) {
      const output = engine.library === 'torch' ? await torchEpoch(workload, engine.threads ?? 1, engine.blasThreads ?? 1, budget) : await runJob({ task: 'epoch', engine, workload, budgetSeconds: budget }, budget + 300);
      rows.push({ workload, engine, output });
      if ('epoch' in output) measured++;
      out.event('run', { workload: workload.id, engine: engine.id, ...output });
      const text = 'epoch' in output ? `${seconds(output.epoch.epochSeconds)} s per epoch, ${percent(output.epoch.testAccuracy)} test accuracy` : 'unavailable' in output ? `skipped: ${output.unavailable}` : '';
      out.line(`  ${workload.id.padEnd(5)} ${engine.label.padEnd(24)} ${text}`);
    }
  }

  const table: string[][] = [];
  for (const workload of workloads) {
    const mine = rows.filter((r) => r.workload === workload);
    const keelTimes = mine.flatMap((r) => (r.engine.library === 'keel' && 'epoch' in r.output ? [r.output.epoch.epochSeconds] : []));
    const best = keelTimes.length === 0 ? undefined : Math.min(...keelTimes);
    for (const r of mine) {
      const cells = 'epoch' in r.output ? epochCells(r.output.epoch, best) : ['-', '-', 'not available (see above)', '-', ''];
      table.push([workload.label, r.engine.label, ...cells]);
    }
  }
  out.line();
  out.line('One epoch of MNIST; "vs Keel best" is the epoch time over the fastest Keel engine on that workload (lower is better):');
  out.line(renderTable(['workload', 'engine', 'epoch s', 'samples/s', 'test accuracy', 'peak RSS MB', 'vs Keel best'], table));

  if (withMatmul) {
    const columns: { engine: EngineSpec; gflops: number[] | string }[] = [];
    // PyTorch's matmul is OpenBLAS's, which the 'native' column already shows.
    for (const engine of engines.filter((e) => e.library !== 'torch')) {
      const output = await runJob({ task: 'matmul', engine, minSeconds: quick ? 0.3 : 1.5 }, 600);
      const gflops = 'gflops' in output ? output.gflops : 'unavailable' in output ? output.unavailable : 'failed';
      columns.push({ engine, gflops });
      if (typeof gflops !== 'string') measured++;
      out.event('matmul', { engine: engine.id, shapes: MATMUL_SHAPES.map((s) => s.label), ...(typeof gflops === 'string' ? { unavailable: gflops } : { gflops }) });
    }
    const shown = columns.filter((c) => typeof c.gflops !== 'string');
    out.line();
    out.line('matmul, float32, GFLOP/s by wall clock (higher is better):');
    out.line(renderTable(['m x k x n', ...shown.map((c) => c.engine.label)], MATMUL_SHAPES.map((s, i) => [s.label, ...shown.map((c) => (c.gflops as number[])[i].toFixed(1))])));
  }
  out.event('done', { runs: rows.length });
  if (measured === 0) {
    // A table of "not available" rows is no benchmark: say so, and fail (a script must not read it as one).
    const why = [...new Map(rows.flatMap((r) => ('unavailable' in r.output ? [[r.engine.id, `${r.engine.id}: ${r.output.unavailable}`] as const] : []))).values()];
    throw new CliError(
      `bench: nothing was measured: no engine asked for could run (${why.join('; ')}); install what is missing, or pick engines that run here with --engines (choices: ${allEngines().map((e) => e.id).join(', ')})`,
      EXIT.failure,
    );
  }
  return EXIT.ok;
}

export const benchCommand: Command = {
  name: 'bench',
  summary: "the standard MNIST workloads on Keel's backends and on TensorFlow.js, side by side",
  usage: 'keel bench [--workloads mlp,wide,cnn] [--engines keel-js,keel-wasm,...] [--budget s] [--quick]',
  flags: [
    { name: 'workloads', type: 'list', value: 'ids', description: `which workloads (default all): ${WORKLOADS.map((w) => `${w.id} (${w.label})`).join(', ')}` },
    { name: 'engines', type: 'list', value: 'ids', description: `which engines (default all): ${allEngines().map((e) => e.id).join(', ')}` },
    { name: 'budget', type: 'number', value: 's', description: 'stop an epoch after this many seconds and extrapolate (default 120; 10 with --quick)' },
    { name: 'quick', type: 'boolean', description: 'short budgets and short matmul timings: a rough table in a few minutes' },
    { name: 'no-matmul', type: 'boolean', description: 'skip the matmul GFLOP/s table' },
  ],
  details: [
    'Each run is a separate process (so peak RSS is its own). TensorFlow.js runs when @tensorflow/tfjs',
    '(and @tensorflow/tfjs-backend-wasm) are installed next to the CLI, as they are in the Keel repository;',
    "PyTorch when a python3 can import torch (Debian: apt-get install python3-torch): 'pytorch' on one",
    "thread throughout, 'pytorch-mt' with its own ops on one thread and OpenBLAS's products on all cores.",
    'Keel runs with its defaults (He initializers, the numerics guard on); tfjs with its own (Glorot).',
    '',
    'Examples:',
    '  keel bench                              # everything (tens of minutes on 2 cores)',
    '  keel bench --quick                      # a rough table in a few minutes',
    '  keel bench --workloads mlp --engines keel-wasm,tfjs-wasm',
  ].join('\n'),
  run,
};
