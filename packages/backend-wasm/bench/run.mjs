// pnpm bench (in packages/backend-wasm): Keel 'js', Keel 'wasm' on 1 thread and on N threads,
// TensorFlow.js 'cpu' and TensorFlow.js 'wasm' (XNNPACK, single-threaded in Node), side by side in
// one process: matmul GFLOP/s at four shapes and at the backward pass's transposed shapes, then
// epochs of MNIST with @keel/train's fit: 784-128-10 (batch 64), 784-512-512-10 (batch 128) and
// the CLI's small convnet (batch 64).
//
// Every figure is wall-clock time. The fast configurations are measured in interleaved rounds
// (1 thread, N threads, tfjs 'wasm', then again ...) and the median is reported, so a burst of
// other load on a shared machine hits them alike; the load average is printed before and after.
//
// Flags: --quick (shorter timings, 1 epoch rep, no js epochs), --no-matmul, --no-mnist, --no-tfjs, --no-js (epochs),
//        --threads N (default: the backend's default, the available cores up to 8, at least 2),
//        --budget-mb N (the 'wasm' heap's budget, default 256: see "Memory model" in the README).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { ArrayDataset, imageDataset } from '@keel/data';
import { mnist } from '@keel/data/node';
import { Conv2D, Dense, Flatten, MaxPool2D, Sequential } from '@keel/layers';
import { defaultRegistry } from '@keel/registry';
import * as keel from '@keel/tensor';
import { evaluate, fit } from '@keel/train';
import { installWasmBackend, setWasmThreads, wasmMemoryStats, wasmReady, wasmThreads } from '@keel/backend-wasm';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const withTfjs = !argv.includes('--no-tfjs');
const withMnist = !argv.includes('--no-mnist');
const withMatmul = !argv.includes('--no-matmul');
const withJsEpochs = !quick && !argv.includes('--no-js');
const flag = (name) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : undefined);
const budgetMB = flag('--budget-mb');
const roundSeconds = quick ? 0.05 : 0.15;
const rounds = quick ? 5 : 9;
const gc = globalThis.gc ?? (() => {});

installWasmBackend(defaultRegistry, budgetMB === undefined ? {} : { budgetBytes: budgetMB * 2 ** 20 });
await wasmReady();
const threads = flag('--threads') ?? Math.max(2, wasmThreads().requested);

/** Uses `count` threads, waiting until they all run (parked workers come back at once). */
async function useThreads(count) {
  setWasmThreads(count);
  await wasmReady();
  const info = wasmThreads();
  if (info.active !== count) throw new Error(`could not start ${count} threads: ${info.reason}`);
}

let tf;
if (withTfjs) {
  // CommonJS for both, so the wasm backend registers with the same tfjs-core instance as tfjs
  tf = require('@tensorflow/tfjs');
  const tfWasm = require('@tensorflow/tfjs-backend-wasm');
  tfWasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
  await tf.setBackend('wasm');
  await tf.ready();
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

/** CPU seconds the whole machine was busy so far (Linux /proc/stat; undefined elsewhere). */
function machineBusySeconds() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = fields[3] + fields[4];
    return (fields.reduce((a, b) => a + b, 0) - idle) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}
const startBusy = machineBusySeconds();
const startOwn = process.cpuUsage();
const startWall = performance.now();
console.log(
  `Node ${process.version}, ${quick ? 'quick' : 'full'} run, keel 'wasm' on 1 and ${threads} threads, heap budget ${wasmMemoryStats().budgetBytes / 2 ** 20} MiB` +
    `${withTfjs ? `, tfjs ${tf.version.tfjs}` : ''}, load average ${load()}`,
);

function table(title, header, rows) {
  console.log(`\n${title}`);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const row of rows) console.log(line(row));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Calls per second of fn over `seconds` of wall-clock time (after a warm-up call). */
function rate(fn, seconds) {
  fn();
  return 1 / keel.secondsPerCall(fn, seconds);
}

/**
 * Median calls per second of each named configuration, measured in interleaved rounds. A
 * configuration is { setup (async, before each of its rounds), fn }.
 */
async function interleaved(configs) {
  const rates = Object.fromEntries(Object.keys(configs).map((name) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, { setup, fn }] of Object.entries(configs)) {
      await setup?.();
      rates[name].push(rate(fn, roundSeconds));
    }
  }
  return Object.fromEntries(Object.entries(rates).map(([name, xs]) => [name, median(xs)]));
}

function keelOperands(m, k, n, transposeA, transposeB) {
  return [keel.randn(transposeA ? [k, m] : [m, k], { seed: 1 }), keel.randn(transposeB ? [n, k] : [k, n], { seed: 2 })];
}

/** The matmul configurations of one shape: keel 'wasm' on 1 and N threads, tfjs 'wasm'. */
function matmulConfigs(m, k, n, transposeA = false, transposeB = false) {
  keel.setBackend('wasm');
  const [a, b] = keelOperands(m, k, n, transposeA, transposeB);
  const product = () => keel.matmul(a, b, { transposeA, transposeB }).dispose();
  const configs = {
    wasm1: { setup: () => useThreads(1), fn: product },
    wasmN: { setup: () => useThreads(threads), fn: product },
  };
  if (withTfjs) {
    const ta = tf.randomNormal(transposeA ? [k, m] : [m, k]);
    const tb = tf.randomNormal(transposeB ? [n, k] : [k, n]);
    configs.tfWasm = { fn: () => tf.matMul(ta, tb, transposeA, transposeB).dispose() };
  }
  return configs;
}

/** GFLOP/s of a single-round configuration on another backend (slow ones: measured once). */
async function once(flop, backend, m, k, n) {
  if (backend === 'js') {
    keel.setBackend('js');
    const [a, b] = keelOperands(m, k, n, false, false);
    return (flop * rate(() => keel.matmul(a, b), roundSeconds * 3)) / 1e9;
  }
  await tf.setBackend('cpu');
  const a = tf.randomNormal([m, k]);
  const b = tf.randomNormal([k, n]);
  const result = (flop * rate(() => tf.matMul(a, b).dispose(), roundSeconds * 3)) / 1e9;
  tf.dispose([a, b]);
  await tf.setBackend('wasm');
  return result;
}

const f1 = (x) => x.toFixed(1);
const ratio = (x, y) => `${(x / y).toFixed(2)}x`;

if (withMatmul) {
  const shapes = [
    [64, 784, 128],
    [128, 784, 512],
    [128, 512, 512],
    [512, 512, 512],
  ];
  const rows = [];
  for (const [m, k, n] of shapes) {
    const flop = 2 * m * k * n;
    const js = await once(flop, 'js', m, k, n);
    const cpu = withTfjs ? await once(flop, 'cpu', m, k, n) : 0;
    const r = await interleaved(matmulConfigs(m, k, n));
    const [w1, wN] = [(flop * r.wasm1) / 1e9, (flop * r.wasmN) / 1e9];
    const row = [`${m}x${k}x${n}`, f1(js), f1(w1), f1(wN), ratio(wN, w1)];
    if (withTfjs) {
      const tw = (flop * r.tfWasm) / 1e9;
      row.push(f1(cpu), f1(tw), ratio(w1, tw), ratio(wN, tw));
    }
    rows.push(row);
    gc();
  }
  table(
    `matmul, float32, GFLOP/s (wall-clock, median of ${rounds} interleaved rounds), higher is better`,
    ['m x k x n', "keel 'js'", "keel 'wasm' 1T", `keel 'wasm' ${threads}T`, `${threads}T / 1T`, ...(withTfjs ? ["tfjs 'cpu'", "tfjs 'wasm'", '1T / tfjs wasm', `${threads}T / tfjs wasm`] : [])],
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
      const r = await interleaved(matmulConfigs(mm, kk, nn, ta, tb));
      const [w1, wN] = [(flop * r.wasm1) / 1e9, (flop * r.wasmN) / 1e9];
      const row = [label, `${mm}x${kk}x${nn}`, f1(w1), f1(wN), ratio(wN, w1)];
      if (withTfjs) row.push(f1((flop * r.tfWasm) / 1e9));
      backwardRows.push(row);
    }
    table(
      'matmul with transposes (backward-pass shapes), GFLOP/s (wall-clock, median)',
      ['product', 'm x k x n', "keel 'wasm' 1T", `keel 'wasm' ${threads}T`, `${threads}T / 1T`, ...(withTfjs ? ["tfjs 'wasm'"] : [])],
      backwardRows,
    );
  }
}
if (withTfjs) await tf.setBackend('cpu'); // frees nothing of keel's; keeps tfjs idle

if (withMnist) {
  const data = await mnist();
  const flat = { train: imageDataset(data.train), test: imageDataset(data.test) };
  const images = { train: imageDataset(data.train, { layout: 'image' }), test: imageDataset(data.test, { layout: 'image' }) };
  const models = {
    'MLP 784-128-10': () => [new Dense({ units: 128, activation: 'relu' }), new Dense({ units: 10 })],
    'MLP 784-512-512-10': () => [new Dense({ units: 512, activation: 'relu' }), new Dense({ units: 512, activation: 'relu' }), new Dense({ units: 10 })],
    'CNN conv8-pool-conv16-pool-10': () => [
      new Conv2D({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
      new MaxPool2D({ poolSize: 2 }),
      new Conv2D({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
      new MaxPool2D({ poolSize: 2 }),
      new Flatten(),
      new Dense({ units: 10 }),
    ],
  };

  /** One epoch of `name` (SGD lr 0.05, momentum 0.9) with fit on `backend` with `count` threads; `examples` limits the training set. */
  async function epoch(name, batchSize, backend, count, examples) {
    const image = name.startsWith('CNN');
    const set = image ? images : flat;
    const all = set.train;
    const train = examples === undefined ? all : new ArrayDataset(all.features.subarray(0, examples * all.featureSize), all.featureShape, all.targets.subarray(0, examples));
    keel.setBackend(backend);
    if (backend === 'wasm') await useThreads(count);
    gc();
    const model = new Sequential(models[name](), { inputShape: image ? [28, 28, 1] : [784], seed: 1 });
    const before = backend === 'wasm' ? wasmMemoryStats() : undefined;
    const result = await fit(model, train, {
      loss: 'sparseSoftmaxCrossEntropy',
      optimizer: { id: 'sgd', lr: 0.05, momentum: 0.9 },
      epochs: 1,
      batchSize,
      seed: 1,
      metrics: [],
    });
    const after = backend === 'wasm' ? wasmMemoryStats() : undefined;
    const { accuracy } = evaluate(model, set.test, { loss: 'sparseSoftmaxCrossEntropy' });
    keel.setBackend('js');
    const scale = 60000 / train.length;
    return {
      seconds: result.seconds * scale,
      accuracy,
      loss: result.history.epochs[0].loss,
      note: [
        scale === 1 ? '' : `${train.length.toLocaleString('en-US')} examples, time x${scale}`,
        after === undefined ? '' : `spilled ${((after.spilledBytes - before.spilledBytes) / 2 ** 20).toFixed(0)} MB`,
      ].filter(Boolean).join(', '),
    };
  }

  const reps = quick ? 1 : 3;
  for (const [name, batchSize, jsExamples] of [
    ['MLP 784-128-10', 64, 60000],
    ['MLP 784-512-512-10', 128, 6000],
    ['CNN conv8-pool-conv16-pool-10', 64, 3000],
  ]) {
    const runs = [];
    if (withJsEpochs) runs.push(["keel 'js'", [await epoch(name, batchSize, 'js', 1, jsExamples === 60000 ? undefined : jsExamples)]]);
    // 1 thread and N threads alternate, so that both see the same machine
    const single = [];
    const multi = [];
    for (let r = 0; r < reps; r++) {
      single.push(await epoch(name, batchSize, 'wasm', 1));
      multi.push(await epoch(name, batchSize, 'wasm', threads));
    }
    runs.push(["keel 'wasm' 1 thread", single], [`keel 'wasm' ${threads} threads`, multi]);
    const epochRows = runs.map(([label, results]) => {
      const sorted = [...results].sort((a, b) => a.seconds - b.seconds);
      const mid = sorted[Math.floor(sorted.length / 2)];
      return [
        label,
        mid.seconds.toFixed(2),
        `${sorted[0].seconds.toFixed(2)}..${sorted[sorted.length - 1].seconds.toFixed(2)}`,
        Math.round(60000 / mid.seconds).toLocaleString('en-US'),
        mid.accuracy.toFixed(4),
        mid.loss.toFixed(4),
        mid.note,
      ];
    });
    table(
      `MNIST ${name}, batch ${batchSize}, SGD lr 0.05 momentum 0.9, one epoch of 60,000 with fit (metrics: []), median of ${reps}`,
      ['backend', 'epoch s', 'min..max s', 'samples/s', 'test acc', 'train loss', 'notes'],
      epochRows,
    );
  }
}
// how much of the machine other processes used meanwhile: figures measured beside them are not this machine's best
const busy = machineBusySeconds();
const others = busy === undefined ? '' : (() => {
  const own = process.cpuUsage(startOwn);
  const ownSeconds = (own.user + own.system) / 1e6;
  const share = (busy - startBusy - ownSeconds) / (((performance.now() - startWall) / 1000) * availableParallelism());
  return `; other processes kept ${Math.max(0, share * 100).toFixed(0)}% of the machine's cores busy during the run`;
})();
console.log(`\nload average ${load()}${others}`);
