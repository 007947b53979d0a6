// pnpm bench (in packages/diagnostics): what the doctor costs. Trains one MNIST epoch
// (784-128-10, ReLU, SGD lr 0.1, batch 64, the pure-JS backend) with and without the default
// doctor callback, alternating the two so machine load hits both alike, and prints the medians and
// the overhead. The budget is 10%.
//
//   node bench/monitor.mjs            2 rounds of each (4 epochs)
//   node bench/monitor.mjs --rounds 3
//   node bench/monitor.mjs --quick    2 rounds on a 15,000-example slice
import { imageDataset, take } from '@keel/data';
import { mnist } from '@keel/data/node';
import { doctor } from '@keel/diagnostics';
import { Dense, Sequential } from '@keel/layers';
import { Registry } from '@keel/registry';
import { fit, installTrain } from '@keel/train';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const roundsArg = args.indexOf('--rounds');
const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 2;

const data = await mnist({ split: 'train' });
const full = imageDataset(data.train);
const train = quick ? take(full, 15_000) : full;

async function epoch(withDoctor, seed) {
  const registry = new Registry();
  installTrain(registry);
  const model = new Sequential([new Dense({ units: 128, activation: 'relu' }), new Dense({ units: 10 })], { inputShape: [784], seed, registry });
  const doc = withDoctor ? timed(doctor()) : undefined;
  const started = performance.now();
  const { steps } = await fit(model, train, {
    loss: 'sparseSoftmaxCrossEntropy',
    optimizer: { id: 'sgd', lr: 0.1 },
    epochs: 1,
    batchSize: 64,
    seed,
    registry,
    callbacks: doc === undefined ? [] : [doc],
  });
  const seconds = (performance.now() - started) / 1000;
  return { seconds, steps, findings: doc?.findings().length ?? 0, inside: doc?.inside ?? 0 };
}

/** The doctor with its callback hooks timed: what it costs itself, independent of machine noise. */
function timed(doc) {
  doc.inside = 0;
  for (const hook of ['onTrainBegin', 'onEpochBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd']) {
    if (typeof doc[hook] !== 'function') continue;
    const inner = doc[hook].bind(doc);
    doc[hook] = (...args) => {
      const started = performance.now();
      try {
        return inner(...args);
      } finally {
        doc.inside += (performance.now() - started) / 1000;
      }
    };
  }
  return doc;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

// Warm up the JIT on both paths before timing.
await epochQuick();
async function epochQuick() {
  const registry = new Registry();
  installTrain(registry);
  const model = new Sequential([new Dense({ units: 128, activation: 'relu' }), new Dense({ units: 10 })], { inputShape: [784], seed: 0, registry });
  await fit(model, take(full, 3_000), { loss: 'sparseSoftmaxCrossEntropy', optimizer: { id: 'sgd', lr: 0.1 }, epochs: 1, batchSize: 64, registry, callbacks: [doctor()] });
}

const plain = [];
const doctored = [];
let steps = 0;
let findings = 0;
const inside = [];
for (let r = 0; r < rounds; r++) {
  // Alternate the order each round so drift in machine load does not favour one side.
  const order = r % 2 === 0 ? [false, true] : [true, false];
  for (const withDoctor of order) {
    const result = await epoch(withDoctor, r + 1);
    (withDoctor ? doctored : plain).push(result.seconds);
    steps = result.steps;
    if (withDoctor) {
      findings += result.findings;
      inside.push(result.inside);
    }
    console.log(`round ${r + 1}: ${withDoctor ? 'with doctor   ' : 'without doctor'} ${result.seconds.toFixed(2)} s${withDoctor ? ` (${result.inside.toFixed(3)} s inside the doctor's callbacks)` : ''}`);
  }
}

const a = median(plain);
const b = median(doctored);
const overhead = (b / a - 1) * 100;
console.log('');
console.log(`MNIST 784-128-10, SGD, batch 64, ${steps} steps per epoch${quick ? ' (15,000-example slice)' : ''}, median of ${rounds}:`);
console.log('| run | seconds per epoch | ms per step |');
console.log('|---|---|---|');
console.log(`| fit | ${a.toFixed(2)} | ${((a / steps) * 1000).toFixed(2)} |`);
console.log(`| fit + doctor() | ${b.toFixed(2)} | ${((b / steps) * 1000).toFixed(2)} |`);
const own = median(inside);
console.log(`overhead: ${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)}% epoch against epoch (budget 10%; the difference of two noisy timings)`);
console.log(`the doctor's own time: ${own.toFixed(3)} s per epoch in its callbacks = ${((own / a) * 100).toFixed(1)}% of an epoch (hooks on sampled forward passes come on top and are a few function calls per op)`);
console.log(`findings on this healthy run: ${findings}`);
