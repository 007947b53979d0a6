// pnpm bench (in packages/backend-native; needs `pnpm build`): the 'native' backend against the
// BLAS it calls and against Keel's 'wasm' and 'js' backends, side by side in one process:
//   1. matmul GFLOP/s: the addon's raw cblas_sgemm call on preallocated buffers (OpenBLAS with no
//      tensor overhead) vs `matmul` on 'native' tensors, at 1 thread and at the default thread
//      count, then 'wasm' and 'js'; and the backward pass's transposed shapes;
//   2. one epoch of MNIST 784-128-10 ReLU, batch 64, SGD lr 0.1 with @keel/train's fit (and
//      784-512-512-10, batch 128): epoch seconds, CPU seconds and test accuracy;
//   3. PyTorch (Debian's python3-torch), when installed, on the same MNIST epochs (one per process,
//      like Keel's first epoch).
// Flags: --quick (shorter timings, one rep), --no-mnist, --no-js (skip the slow 'js' epoch), --no-torch.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { imageDataset } from '@keel/data';
import { mnist, mnistDirectory } from '@keel/data/node';
import { Dense, Sequential } from '@keel/layers';
import { defaultRegistry } from '@keel/registry';
import * as keel from '@keel/tensor';
import { evaluate, fit } from '@keel/train';
import { getNativeThreads, installNativeBackend, nativeAvailability, nativeBackend, nativeInfo, setNativeThreads } from '@keel/backend-native';

const quick = process.argv.includes('--quick');
const withMnist = !process.argv.includes('--no-mnist');
const withJs = !process.argv.includes('--no-js');
const withTorch = !process.argv.includes('--no-torch');
const minSeconds = quick ? 0.3 : 1.5;
const gc = globalThis.gc ?? (() => {});

const availability = nativeAvailability();
if (!availability.available) {
  console.log(`'native' is unavailable here: ${availability.reason}`);
  process.exit(0);
}
installNativeBackend(defaultRegistry);
const defaultThreads = getNativeThreads();

// 'wasm' is a peer here, not a dependency: taken from the workspace when it is built
let wasm;
try {
  wasm = await import('@keel/backend-wasm');
} catch {
  try {
    wasm = await import(new URL('../../backend-wasm/dist/index.js', import.meta.url).href);
  } catch (error) {
    console.log(`(no 'wasm' column: @keel/backend-wasm is not built here: ${error.message.split('\n')[0]})`);
  }
}
wasm?.installWasmBackend(defaultRegistry);

console.log(`Node ${process.version}, ${quick ? 'quick' : 'full'} run, ${nativeInfo().blas}, default threads ${defaultThreads}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

/**
 * Seconds per call (wall clock) of each function, measured in alternating rounds of at least
 * minSeconds / 10 each (so a change in the machine's load hits all of them alike), the median
 * of 7 rounds each.
 */
function timeTogether(...fns) {
  for (const fn of fns) for (let i = 0; i < 3; i++) fn();
  const rounds = fns.map(() => []);
  for (let r = 0; r < 7; r++) {
    fns.forEach((fn, i) => rounds[i].push(keel.secondsPerCall(fn, minSeconds / 10)));
  }
  return rounds.map((xs) => ({ wall: xs.sort((a, b) => a - b)[3] }));
}

function table(title, header, rows) {
  console.log(`\n${title}`);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const row of rows) console.log(line(row));
}

const gflops = (flop, t) => (flop / t.wall / 1e9).toFixed(1);

/** The addon's sgemm on preallocated buffers: what OpenBLAS does with no tensor around it. */
function rawGemm(m, k, n, transposeA = false, transposeB = false) {
  const { addon } = nativeBackend();
  const a = Float32Array.from({ length: m * k }, () => Math.random() - 0.5);
  const b = Float32Array.from({ length: k * n }, () => Math.random() - 0.5);
  const c = new Float32Array(m * n);
  return () => addon.gemm(a, 0, b, 0, c, 0, m, n, k, transposeA, transposeB);
}

/** `matmul` on `backend`'s tensors (a new result tensor each call). */
function keelMatmul(backend, m, k, n, transposeA = false, transposeB = false) {
  keel.setBackend(backend);
  const a = keel.randn(transposeA ? [k, m] : [m, k], { seed: 1 });
  const b = keel.randn(transposeB ? [n, k] : [k, n], { seed: 2 });
  keel.setBackend('js');
  return () => {
    keel.setBackend(backend);
    keel.matmul(a, b, { transposeA, transposeB });
    keel.setBackend('js');
  };
}

const shapes = [
  [64, 784, 128],
  [128, 784, 512],
  [512, 512, 512],
];
const threadCounts = defaultThreads > 1 ? [1, defaultThreads] : [1];
const rows = [];
for (const [m, k, n] of shapes) {
  const flop = 2 * m * k * n;
  const row = [`${m}x${k}x${n}`];
  for (const threads of threadCounts) {
    setNativeThreads(threads);
    const [raw, native] = timeTogether(rawGemm(m, k, n), keelMatmul('native', m, k, n));
    row.push(gflops(flop, raw), gflops(flop, native), `${((raw.wall / native.wall) * 100).toFixed(0)}%`);
  }
  setNativeThreads(defaultThreads);
  if (wasm) row.push(gflops(flop, timeTogether(keelMatmul('wasm', m, k, n))[0]));
  row.push(gflops(flop, timeTogether(keelMatmul('js', m, k, n))[0]));
  rows.push(row);
  gc();
}
table(
  'matmul, float32, GFLOP/s (wall clock), higher is better; "of raw" = keel native / raw OpenBLAS, measured in alternating rounds',
  ['m x k x n', ...threadCounts.flatMap((t) => [`raw BLAS ${t}T`, `keel native ${t}T`, 'of raw']), ...(wasm ? ["keel 'wasm'"] : []), "keel 'js'"],
  rows,
);

// the backward pass's shapes of a 784 -> 512 dense layer at batch 128
{
  const [m, k, n] = [128, 784, 512];
  const variants = [
    ['forward x·W', m, k, n, false, false],
    ['dW = xᵀ·dy (transposeA)', k, m, n, true, false],
    ['dX = dy·Wᵀ (transposeB)', m, n, k, false, true],
    ['both transposed', k, m, n, true, true],
  ];
  const backwardRows = [];
  for (const [label, mm, kk, nn, ta, tb] of variants) {
    const flop = 2 * mm * kk * nn;
    const [raw, native] = timeTogether(rawGemm(mm, kk, nn, ta, tb), keelMatmul('native', mm, kk, nn, ta, tb));
    const row = [label, `${mm}x${kk}x${nn}`, gflops(flop, raw), gflops(flop, native), `${((raw.wall / native.wall) * 100).toFixed(0)}%`];
    if (wasm) row.push(gflops(flop, timeTogether(keelMatmul('wasm', mm, kk, nn, ta, tb))[0]));
    backwardRows.push(row);
  }
  table(`matmul with transposes (backward-pass shapes), GFLOP/s, ${defaultThreads} threads`, ['product', 'm x k x n', 'raw BLAS', 'keel native', 'of raw', ...(wasm ? ["keel 'wasm'"] : [])], backwardRows);
}

/** One epoch of `hidden` ReLU layers + 10 logits, SGD lr 0.1, with fit on `backend`. */
async function epoch(train, test, backend, hidden, batchSize) {
  keel.setBackend(backend);
  gc();
  const layers = [...hidden.map((units) => new Dense({ units, activation: 'relu' })), new Dense({ units: 10 })];
  const model = new Sequential(layers, { inputShape: [784], seed: 1 });
  const cpu = process.cpuUsage();
  const result = await fit(model, train, { loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'sgd', lr: 0.1 }, epochs: 1, batchSize, seed: 1, metrics: [] });
  const cpuUsed = process.cpuUsage(cpu);
  const { accuracy } = evaluate(model, test, { loss: 'sparseSoftmaxCrossEntropy' });
  keel.setBackend('js');
  return { seconds: result.seconds, cpuSeconds: (cpuUsed.user + cpuUsed.system) / 1e6, loss: result.history.epochs[0].loss, accuracy };
}

/**
 * PyTorch's figures for the same epochs, when Debian's python3-torch is installed: its own ops on
 * one thread, OpenBLAS's products on `threads` (OpenBLAS ignores torch.set_num_threads; this is
 * PyTorch's fastest setting here — torch's own threads on top oversubscribed the cores).
 */
function torchEpoch(hidden, batchSize, threads) {
  // The script is shared with `keel bench` (apps/cli/bench).
  const script = fileURLToPath(new URL('../../../apps/cli/bench/torch_mnist.py', import.meta.url));
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: '1' };
  // the first python3 that has torch (a virtualenv's python3 on PATH may not)
  const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? 'python3';
  const run = spawnSync(python, [script, mnistDirectory(), 'mlp', hidden.join(','), String(batchSize), '1'], { encoding: 'utf8', env });
  if (run.status !== 0) {
    const why = (run.stderr || run.error?.message || 'python3 failed').trim().split('\n').pop();
    return { missing: why.includes("No module named 'torch'") ? 'python3-torch is not installed (apt-get install python3-torch)' : why };
  }
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

if (withMnist) {
  const data = await mnist();
  const train = imageDataset(data.train);
  const test = imageDataset(data.test);
  const reps = quick ? 1 : 3;
  for (const [hidden, batchSize] of [[[128], 64], [[512, 512], 128]]) {
    const runs = [
      [`keel 'native', ${defaultThreads} threads`, 'native', defaultThreads, reps],
      ...(defaultThreads > 1 ? [["keel 'native', 1 thread", 'native', 1, reps]] : []),
      ...(wasm ? [["keel 'wasm'", 'wasm', defaultThreads, quick ? 1 : 2]] : []),
      ...(withJs && hidden.length === 1 ? [["keel 'js'", 'js', defaultThreads, 1]] : []),
    ];
    // The first epoch in a process also compiles (JIT) the training code: measured on its own,
    // then the runs take turns, so the machine's load changes hit them alike.
    const cold = await epoch(train, test, 'native', hidden, batchSize);
    const results = runs.map(() => []);
    for (let r = 0; r < Math.max(...runs.map((run) => run[3])); r++) {
      for (const [i, [, backend, threads, count]] of runs.entries()) {
        if (r >= count) continue;
        setNativeThreads(threads);
        results[i].push(await epoch(train, test, backend, hidden, batchSize));
      }
    }
    const first = hidden.length === 1 ? 'first epoch of the process (JIT warm-up)' : 'first epoch of this model';
    const mnistRows = [[`keel 'native', ${defaultThreads} threads, ${first}`, cold.seconds.toFixed(2), '', cold.cpuSeconds.toFixed(2), cold.accuracy.toFixed(4), cold.loss.toFixed(4)]];
    for (const [i, [label]] of runs.entries()) {
      const sorted = results[i].sort((a, b) => a.seconds - b.seconds);
      const median = sorted[Math.floor(sorted.length / 2)];
      mnistRows.push([label, median.seconds.toFixed(2), `${sorted[0].seconds.toFixed(2)}..${sorted.at(-1).seconds.toFixed(2)}`, median.cpuSeconds.toFixed(2), median.accuracy.toFixed(4), median.loss.toFixed(4)]);
    }
    setNativeThreads(defaultThreads);
    if (withTorch) {
      for (const threads of threadCounts) {
        const torch = torchEpoch(hidden, batchSize, threads);
        if (torch.missing !== undefined) {
          mnistRows.push([`PyTorch: not run (${torch.missing})`, '', '', '', '', '']);
          break;
        }
        mnistRows.push([`PyTorch ${torch.version}, ${threads > 1 ? `${threads} BLAS threads` : '1 thread'}`, torch.seconds.toFixed(2), '', torch.cpuSeconds.toFixed(2), torch.accuracy.toFixed(4), torch.loss.toFixed(4)]);
      }
    }
    table(
      `MNIST 784-${hidden.join('-')}-10 ReLU, batch ${batchSize}, SGD lr 0.1, one epoch of 60,000 with fit (metrics: []), median of reps after a first epoch`,
      ['run', 'epoch s', 'min..max s', 'cpu s', 'test acc', 'train loss'],
      mnistRows,
    );
  }
}
