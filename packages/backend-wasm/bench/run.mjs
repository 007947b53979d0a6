// pnpm bench (in packages/backend-wasm): Keel 'js', Keel 'wasm', TensorFlow.js 'cpu' and
// TensorFlow.js 'wasm' (XNNPACK, single-threaded in Node) side by side in one process:
// matmul GFLOP/s at four shapes (and at the backward pass's transposed shapes), then one epoch of
// MNIST 784-128-10 ReLU, batch 64, SGD lr 0.1 with @keel/train's fit on Keel 'js' and 'wasm'.
// Flags: --quick (shorter timings, 1 epoch rep), --no-mnist, --no-tfjs.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { setImmediate } from 'node:timers';
import { imageDataset } from '@keel/data';
import { mnist } from '@keel/data/node';
import { Dense, Sequential } from '@keel/layers';
import { defaultRegistry } from '@keel/registry';
import * as keel from '@keel/tensor';
import { evaluate, fit } from '@keel/train';
import { installWasmBackend, wasmMemoryStats } from '@keel/backend-wasm';

const require = createRequire(import.meta.url);
const quick = process.argv.includes('--quick');
const withTfjs = !process.argv.includes('--no-tfjs');
const withMnist = !process.argv.includes('--no-mnist');
const minSeconds = quick ? 0.3 : 1.5;
const gc = globalThis.gc ?? (() => {});

/**
 * Seconds per call, the median of 3 rounds each repeating fn for at least minSeconds / 3, by
 * this process's CPU time (robust to other load on the machine: every kernel here is
 * single-threaded) and by wall-clock time.
 */
function time(fn) {
  for (let i = 0; i < 3; i++) fn(); // warm up (JIT, wasm tier-up)
  const cpuRounds = [];
  const wallRounds = [];
  for (let r = 0; r < 3; r++) {
    let calls = 0;
    const start = performance.now();
    const cpu = process.cpuUsage();
    let elapsed = 0;
    do {
      fn();
      calls++;
      elapsed = (performance.now() - start) / 1000;
    } while (elapsed < minSeconds / 3);
    const used = process.cpuUsage(cpu);
    cpuRounds.push((used.user + used.system) / 1e6 / calls);
    wallRounds.push(elapsed / calls);
  }
  const median = (xs) => xs.sort((a, b) => a - b)[1];
  return { cpu: median(cpuRounds), wall: median(wallRounds) };
}

function table(title, header, rows) {
  console.log(`\n${title}`);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const row of rows) console.log(line(row));
}

installWasmBackend(defaultRegistry);

let tf;
if (withTfjs) {
  // CommonJS for both, so the wasm backend registers with the same tfjs-core instance as tfjs
  tf = require('@tensorflow/tfjs');
  const tfWasm = require('@tensorflow/tfjs-backend-wasm');
  tfWasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
  await tf.setBackend('wasm');
  await tf.ready();
}

const { loadavg } = await import('node:os');
console.log(`Node ${process.version}, ${quick ? 'quick' : 'full'} run${withTfjs ? `, tfjs ${tf.version.tfjs}` : ''}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

/** GFLOP/s by CPU time, with the wall-clock figure in parentheses. */
const gflops = (flop, t) => `${(flop / t.cpu / 1e9).toFixed(1)} (${(flop / t.wall / 1e9).toFixed(1)})`;

function keelMatmul(backend, m, k, n, transposeA = false, transposeB = false) {
  keel.setBackend(backend);
  const a = keel.randn(transposeA ? [k, m] : [m, k], { seed: 1 });
  const b = keel.randn(transposeB ? [n, k] : [k, n], { seed: 2 });
  const seconds = time(() => keel.matmul(a, b, { transposeA, transposeB }).dispose());
  keel.setBackend('js');
  return seconds;
}

async function tfMatmul(backend, m, k, n, transposeA = false, transposeB = false) {
  await tf.setBackend(backend);
  const a = tf.randomNormal(transposeA ? [k, m] : [m, k]);
  const b = tf.randomNormal(transposeB ? [n, k] : [k, n]);
  const seconds = time(() => tf.matMul(a, b, transposeA, transposeB).dispose());
  tf.dispose([a, b]);
  return seconds;
}

const shapes = [
  [64, 784, 128],
  [128, 784, 512],
  [128, 512, 512],
  [512, 512, 512],
];
const rows = [];
for (const [m, k, n] of shapes) {
  const flop = 2 * m * k * n;
  const js = keelMatmul('js', m, k, n);
  const wasm = keelMatmul('wasm', m, k, n);
  const row = [`${m}x${k}x${n}`, gflops(flop, js), gflops(flop, wasm)];
  if (withTfjs) {
    const tfCpu = await tfMatmul('cpu', m, k, n);
    const tfWasm = await tfMatmul('wasm', m, k, n);
    row.push(gflops(flop, tfCpu), gflops(flop, tfWasm), `${(tfWasm.cpu / wasm.cpu).toFixed(2)}x`);
  }
  rows.push(row);
  gc();
}
table(
  'matmul, float32, GFLOP/s per CPU-second (wall-clock in parentheses), 1 thread, higher is better',
  ['m x k x n', "keel 'js'", "keel 'wasm'", ...(withTfjs ? ["tfjs 'cpu'", "tfjs 'wasm'", "keel wasm / tfjs wasm"] : [])],
  rows,
);

// the backward pass's shapes of a 784 -> 512 dense layer at batch 128
{
  const [m, k, n] = [128, 784, 512];
  const variants = [
    ['forward x·W', m, k, n, false, false],
    ['dW = xᵀ·dy (transposeA)', k, m, n, true, false],
    ['dX = dy·Wᵀ (transposeB)', m, n, k, false, true],
    ['transposeA and transposeB', k, m, n, true, true],
  ];
  const backwardRows = [];
  for (const [label, mm, kk, nn, ta, tb] of variants) {
    const flop = 2 * mm * kk * nn;
    const row = [label, `${mm}x${kk}x${nn}`, gflops(flop, keelMatmul('wasm', mm, kk, nn, ta, tb))];
    if (withTfjs) row.push(gflops(flop, await tfMatmul('wasm', mm, kk, nn, ta, tb)));
    backwardRows.push(row);
  }
  table('matmul with transposes (backward-pass shapes), GFLOP/s per CPU-second (wall-clock)', ['product', 'm x k x n', "keel 'wasm'", ...(withTfjs ? ["tfjs 'wasm'"] : [])], backwardRows);
}

if (withMnist) {
  const data = await mnist();
  const train = imageDataset(data.train);
  const test = imageDataset(data.test);
  /** One epoch of 784-128-10 ReLU, batch 64, SGD lr 0.1 with fit on `backend`. */
  async function epoch(backend, { yieldEvery = 0 } = {}) {
    keel.setBackend(backend);
    gc();
    const model = new Sequential([new Dense({ units: 128, activation: 'relu' }), new Dense({ units: 10 })], { inputShape: [784], seed: 1 });
    // optional: a callback that lets the event loop turn, so the FinalizationRegistry frees dead tensors
    const callbacks = yieldEvery > 0 ? [{ onBatchEnd: (i) => (i % yieldEvery === 0 ? new Promise((resolve) => setImmediate(resolve)) : undefined) }] : [];
    const before = backend === 'wasm' ? wasmMemoryStats() : undefined;
    const cpu = process.cpuUsage();
    const result = await fit(model, train, { loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'sgd', lr: 0.1 }, epochs: 1, batchSize: 64, seed: 1, metrics: [], callbacks });
    const cpuUsed = process.cpuUsage(cpu);
    const after = backend === 'wasm' ? wasmMemoryStats() : undefined;
    const { accuracy } = evaluate(model, test, { loss: 'sparseSoftmaxCrossEntropy' });
    keel.setBackend('js');
    return {
      seconds: result.seconds,
      // CPU seconds of this process (all its threads) during fit: robust to other load on the machine
      cpuSeconds: (cpuUsed.user + cpuUsed.system) / 1e6,
      loss: result.history.epochs[0].loss,
      accuracy,
      memory: after && { spilledMB: (after.spilledBytes - before.spilledBytes) / 2 ** 20, finalized: after.finalized - before.finalized, memoryMB: after.memoryBytes / 2 ** 20 },
    };
  }
  const reps = quick ? 1 : 3;
  const runs = [
    ["keel 'js'", 'js', {}, 1],
    ["keel 'wasm'", 'wasm', {}, reps],
    ["keel 'wasm', yielding every 16 batches", 'wasm', { yieldEvery: 16 }, reps],
  ];
  const mnistRows = [];
  for (const [label, backend, options, count] of runs) {
    const results = [];
    for (let r = 0; r < count; r++) results.push(await epoch(backend, options));
    results.sort((a, b) => a.seconds - b.seconds);
    const median = results[Math.floor(results.length / 2)];
    const m = median.memory;
    mnistRows.push([
      label,
      median.seconds.toFixed(2),
      `${results[0].seconds.toFixed(2)}..${results[results.length - 1].seconds.toFixed(2)}`,
      median.cpuSeconds.toFixed(2),
      Math.round(60000 / median.seconds).toLocaleString('en-US'),
      median.accuracy.toFixed(4),
      median.loss.toFixed(4),
      m === undefined ? '' : `memory ${m.memoryMB.toFixed(0)} MB, spilled ${m.spilledMB.toFixed(0)} MB, finalized ${m.finalized}`,
    ]);
  }
  table(
    'MNIST 784-128-10 ReLU, batch 64, SGD lr 0.1, one epoch of 60,000 with fit (metrics: []), median of reps',
    ['backend', 'epoch s', 'min..max s', 'cpu s', 'samples/s', 'test acc', 'train loss', 'notes'],
    mnistRows,
  );
}
