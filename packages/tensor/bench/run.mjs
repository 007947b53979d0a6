// pnpm bench (in packages/tensor): Keel's 'js' backend against TensorFlow.js's pure-JS 'cpu'
// backend, side by side in one process. Prints GFLOP/s per matmul shape, a dense layer's
// forward+backward step, and the per-step cost of a tiny XOR net, with ratios.
import * as tf from '@tensorflow/tfjs';
import * as keel from '@keel/tensor';

const quick = process.argv.includes('--quick');
const minSeconds = quick ? 0.2 : 1;

/** Median seconds per call over 3 rounds, each repeating fn for at least `minSeconds / 3`. */
const time = (fn) => keel.timeCalls(fn, minSeconds).median;

function table(title, header, rows) {
  console.log(`\n${title}`);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const row of rows) console.log(line(row));
}

await tf.setBackend('cpu');
await tf.ready();

const shapes = [
  [64, 784, 128],
  [128, 784, 512],
  [128, 512, 512],
  [512, 512, 512],
];
const matmulRows = [];
for (const [m, k, n] of shapes) {
  const flop = 2 * m * k * n;
  const a = keel.randn([m, k], { seed: 1 });
  const b = keel.randn([k, n], { seed: 2 });
  const keelSeconds = time(() => keel.matmul(a, b));
  const ta = tf.randomNormal([m, k]);
  const tb = tf.randomNormal([k, n]);
  const tfSeconds = time(() => tf.tidy(() => tf.matMul(ta, tb).dataSync()));
  tf.dispose([ta, tb]);
  const keelG = flop / keelSeconds / 1e9;
  const tfG = flop / tfSeconds / 1e9;
  matmulRows.push([`${m}x${k}x${n}`, keelG.toFixed(2), tfG.toFixed(2), `${(keelG / tfG).toFixed(1)}x`]);
}
table('matmul, float32, GFLOP/s (higher is better)', ['shape m x k x n', "keel 'js'", "tfjs 'cpu'", 'keel / tfjs'], matmulRows);

// A dense layer step: y = relu(x W + b), loss = mean(y²); forward and backward.
{
  const [batch, inputs, units] = [64, 784, 128];
  const x = keel.randn([batch, inputs], { seed: 3 });
  const w = keel.mul(keel.randn([inputs, units], { seed: 4 }), 0.05).requireGrad();
  const b = keel.zeros([units]).requireGrad();
  const keelSeconds = time(() => {
    w.zeroGrad();
    b.zeroGrad();
    const loss = keel.mean(keel.square(keel.relu(keel.add(keel.matmul(x, w), b))));
    loss.backward();
  });
  const tx = tf.randomNormal([batch, inputs]);
  const tw = tf.variable(tf.mul(tf.randomNormal([inputs, units]), 0.05));
  const tbias = tf.variable(tf.zeros([units]));
  const tfSeconds = time(() => {
    const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.relu(tf.add(tf.matMul(tx, tw), tbias)))), [tw, tbias]);
    grads[tw.name].dataSync();
    tf.dispose(Object.values(grads));
  });
  // forward 2mkn + backward dW 2mkn (no dX: x is an input)
  const flop = 2 * (2 * batch * inputs * units);
  table(
    'dense 64x784 -> 128 relu, forward + backward',
    ['', "keel 'js'", "tfjs 'cpu'", 'keel / tfjs'],
    [
      ['ms per step', (keelSeconds * 1e3).toFixed(2), (tfSeconds * 1e3).toFixed(2), `${(tfSeconds / keelSeconds).toFixed(1)}x faster`],
      ['GFLOP/s', (flop / keelSeconds / 1e9).toFixed(2), (flop / tfSeconds / 1e9).toFixed(2), ''],
    ],
  );
}

// Per-op overhead: one SGD step of a 2-8-1 tanh/sigmoid XOR net on 4 samples.
{
  const x = keel.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = keel.tensor([[0], [1], [1], [0]]);
  const params = [
    keel.mul(keel.randn([2, 8], { seed: 5 }), 0.7).requireGrad(),
    keel.zeros([8]).requireGrad(),
    keel.mul(keel.randn([8, 1], { seed: 6 }), 0.35).requireGrad(),
    keel.zeros([1]).requireGrad(),
  ];
  const keelSeconds = time(() => {
    const [w1, b1, w2, b2] = params;
    const h = keel.tanh(keel.add(keel.matmul(x, w1), b1));
    const p = keel.sigmoid(keel.add(keel.matmul(h, w2), b2));
    const loss = keel.mean(keel.square(keel.sub(p, y)));
    loss.backward();
    keel.noGrad(() => {
      for (const param of params) {
        param.assign(keel.sub(param, keel.mul(param.grad, 0.5)));
        param.zeroGrad();
      }
    });
  });
  const tx = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const ty = tf.tensor2d([[0], [1], [1], [0]]);
  const tw1 = tf.variable(tf.mul(tf.randomNormal([2, 8]), 0.7));
  const tb1 = tf.variable(tf.zeros([8]));
  const tw2 = tf.variable(tf.mul(tf.randomNormal([8, 1]), 0.35));
  const tb2 = tf.variable(tf.zeros([1]));
  const optimizer = tf.train.sgd(0.5);
  const tfSeconds = time(() => {
    const cost = optimizer.minimize(() => {
      const h = tf.tanh(tf.add(tf.matMul(tx, tw1), tb1));
      const p = tf.sigmoid(tf.add(tf.matMul(h, tw2), tb2));
      return tf.mean(tf.square(tf.sub(p, ty)));
    }, true);
    cost.dataSync();
    cost.dispose();
  });
  table(
    'XOR 2-8-1 (4 samples), one SGD step: per-op overhead',
    ['', "keel 'js'", "tfjs 'cpu'", 'keel / tfjs'],
    [['µs per step', (keelSeconds * 1e6).toFixed(1), (tfSeconds * 1e6).toFixed(1), `${(tfSeconds / keelSeconds).toFixed(1)}x faster`]],
  );
}
