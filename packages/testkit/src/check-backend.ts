// Checks for a tensor backend's author: run the same seeded work on the backend and on the 'js'
// reference and compare. @keel/backend-native and @keel/backend-wasm test themselves with these.
import { matmul, mean, mul, noGrad, normal, oneHot, relu, setBackend, sum, tanh, tensor, uniform, zeros, add, logSoftmax, sub, type Tensor } from '@keel/tensor';

/** Runs `fn` with the backend `name` current, then makes 'js' current again. */
export function onBackend<T>(name: string, fn: () => T): T {
  setBackend(name);
  try {
    return fn();
  } finally {
    setBackend('js');
  }
}

/**
 * Whether every value of `actual` is within atol + rtol·|expected| of `expected` (NaN matches
 * NaN), and the largest difference (Infinity where only one side is NaN or the sizes differ).
 */
export function compareValues(actual: Tensor, expected: Tensor, rtol = 1e-4, atol = 1e-5): { ok: boolean; error: number } {
  const x = actual.values;
  const y = expected.values;
  if (x.length !== y.length) return { ok: false, error: Infinity };
  let error = 0;
  let ok = true;
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i]) && Number.isNaN(y[i])) continue;
    const d = Math.abs(x[i] - y[i]);
    if (!(d <= atol + rtol * Math.abs(y[i]))) ok = false;
    if (!(d <= error)) error = Number.isNaN(d) ? Infinity : d;
  }
  return { ok, error };
}

/** Sizes [m, k, n] around typical micro-tiles and cache blocks, and the MNIST MLP's first product. */
export const MATMUL_CHECK_SIZES: readonly (readonly [number, number, number])[] = [
  [1, 1, 1], [1, 7, 1], [3, 5, 2], [4, 8, 8], [5, 7, 9], [13, 17, 11], [31, 33, 65], [64, 784, 128],
  [129, 257, 130], [130, 300, 520], [200, 513, 9], [7, 1, 300], [1, 600, 1030],
];

export interface MatmulCheck {
  readonly ok: boolean;
  /** The largest absolute difference from 'js'. */
  readonly error: number;
  /** What went wrong, '' when ok. */
  readonly message: string;
}

/**
 * `matmul` of the same seeded operands on `backend` and on 'js' (which accumulates in float64).
 * A float32 sum of k products drifts like √k, so the tolerance is `atol`·max(1, √k).
 */
export function checkMatmulAgainstJs(backend: string, aShape: readonly number[], bShape: readonly number[], options: { transposeA?: boolean; transposeB?: boolean; seed?: number; atol?: number } = {}): MatmulCheck {
  const { transposeA = false, transposeB = false, seed = 1, atol = 8e-6 } = options;
  const product = (): Tensor => matmul(uniform([...aShape], -1, 1, { seed }), uniform([...bShape], -1, 1, { seed: seed + 1 }), { transposeA, transposeB });
  const expected = onBackend('js', product);
  return onBackend(backend, () => {
    const actual = product();
    if (actual.backend.name !== backend) return { ok: false, error: Infinity, message: `the result is on '${actual.backend.name}', not '${backend}'` };
    if (actual.shape.join() !== expected.shape.join()) return { ok: false, error: Infinity, message: `shape [${actual.shape.join(', ')}], expected [${expected.shape.join(', ')}]` };
    const k = transposeA ? aShape[aShape.length - 2] : aShape[aShape.length - 1];
    const { ok, error } = compareValues(actual, expected, 1e-4, atol * Math.max(1, Math.sqrt(k)));
    return { ok, error, message: ok ? '' : `max error ${error}` };
  });
}

/**
 * 50 plain-SGD steps of a 20-32-32-5 MLP (ReLU, tanh, softmax cross-entropy, lr 0.2) on the
 * current backend, from seeded weights: the losses and the final weights. Two backends that
 * compute the same ops should follow the same trajectory closely.
 */
export function sgdTrajectory(): { losses: number[]; weights: Float32Array[] } {
  const x = uniform([48, 20], -1, 1, { seed: 11 });
  const labels = oneHot(tensor(Array.from({ length: 48 }, (_, i) => (i * 3 + (i >> 2)) % 5)), 5);
  const layer = (inputs: number, units: number, seed: number): Tensor[] => [
    mul(normal([inputs, units], 0, 1, { seed }), Math.sqrt(2 / inputs)).requireGrad(),
    zeros([units]).requireGrad(),
  ];
  const params = [...layer(20, 32, 1), ...layer(32, 32, 2), ...layer(32, 5, 3)];
  const [w1, b1, w2, b2, w3, b3] = params;
  const losses: number[] = [];
  for (let step = 0; step < 50; step++) {
    const h1 = relu(add(matmul(x, w1), b1));
    const h2 = tanh(add(matmul(h1, w2), b2));
    const logits = add(matmul(h2, w3), b3);
    const loss = mean(mul(sum(mul(labels, logSoftmax(logits)), { axis: -1 }), -1));
    loss.backward();
    noGrad(() => {
      for (const p of params) {
        p.assign(sub(p, mul(p.grad as Tensor, 0.2)));
        p.zeroGrad();
      }
    });
    losses.push(loss.item());
  }
  return { losses, weights: params.map((p) => p.values as Float32Array) };
}
