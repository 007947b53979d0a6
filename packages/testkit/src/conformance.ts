// The backend conformance suite: every public op, run on a backend and on the 'js' reference.
// Values and gradients must agree within float32 tolerance, and gradients must match central
// differences. `testBackend` (vitest) and `checkBackend` run it with the backend contract checks.
import * as ops from '@keel/tensor';
import { engine, formatShape, gradcheck, noGrad, Random, shapesEqual, valueAndGrad, type GradcheckOptions, type Shape, type Tensor } from '@keel/tensor';

/** One op (or small composition of ops) every backend must compute like the 'js' reference. */
export interface ConformanceCase {
  readonly name: string;
  /** Computes the result from the inputs, with public ops only. */
  readonly op: (...inputs: Tensor[]) => Tensor;
  /** Seeded inputs, created on the current backend (the same seed gives the same values everywhere). */
  readonly inputs: (random: Random) => Tensor[];
  /** Which inputs gradients are checked for: all by default, none for [] (indices, conditions, piecewise-constant ops). */
  readonly gradInputs?: readonly number[];
  /** Options for the finite-difference check of this case. */
  readonly gradcheck?: GradcheckOptions;
}

export interface ConformanceOptions {
  /** Seed of every case's inputs. */
  seed?: number;
  /** Run only the cases whose name matches. */
  only?: RegExp;
  /** Also compare gradients with 'js' and with finite differences (default true). */
  gradients?: boolean;
  /** Values and gradients must agree with 'js' within atol + rtol·|reference| (float32 defaults). */
  rtol?: number;
  atol?: number;
}

export interface ConformanceResult {
  readonly case: string;
  readonly ok: boolean;
  /** The largest absolute difference from the reference (values, gradients, finite differences). */
  readonly maxError: number;
  readonly message: string;
}

type Gen = (random: Random) => Tensor[];

const values = (random: Random, shape: Shape, low = -1, high = 1): Tensor => ops.uniform(shape, low, high, { random });
/** Magnitudes in [0.2, 1.5] with a random sign: away from the kinks of abs, relu, clip at 0. */
const offKink = (random: Random, shape: Shape): Tensor => ops.mul(ops.uniform(shape, 0.2, 1.5, { random }), ops.sub(ops.mul(ops.step(ops.uniform(shape, -1, 1, { random })), 2), 1));
/** Distinct values on a shuffled grid (no ties for max, min, argmax, pooling). */
const distinct = (random: Random, shape: Shape): Tensor => {
  const count = shape.reduce((p, d) => p * d, 1);
  const grid = random.shuffle(Array.from({ length: count }, (_, i) => (i - Math.floor(count / 2)) * 0.25));
  return ops.tensor(grid, shape);
};
/** Small whole numbers: plenty of ties for comparisons. */
const ints = (random: Random, shape: Shape, n = 3): Tensor => {
  const count = shape.reduce((p, d) => p * d, 1);
  return ops.tensor(Array.from({ length: count }, () => random.int(n)), shape);
};
/** Values at least 0.1 from any multiple of 0.5, so floor/ceil/round/sign/step are stable. */
const offGrid = (random: Random, shape: Shape): Tensor => {
  const count = shape.reduce((p, d) => p * d, 1);
  return ops.tensor(Array.from({ length: count }, () => random.int(12) / 2 - 3 + random.uniform(0.1, 0.4)), shape);
};

const unary = (name: string, op: (x: Tensor) => Tensor, gen: Gen = (r) => [values(r, [3, 4], -2, 2)], grads = true): ConformanceCase => ({
  name,
  op,
  inputs: gen,
  ...(grads ? {} : { gradInputs: [] }),
});

const positive: Gen = (r) => [values(r, [3, 4], 0.3, 3)];

/**
 * The conformance cases: every public op, with broadcasting, all reduction and transpose
 * flavours, and the window ops. A new backend passes when `runConformance(name)` is all ok.
 */
export const conformanceCases: readonly ConformanceCase[] = [
  // elementwise, one input
  unary('neg', ops.neg),
  unary('abs', ops.abs, (r) => [offKink(r, [3, 4])]),
  unary('exp', ops.exp),
  unary('expm1', ops.expm1),
  unary('log', ops.log, positive),
  unary('log1p', ops.log1p, positive),
  unary('sqrt', ops.sqrt, positive),
  unary('rsqrt', ops.rsqrt, positive),
  unary('square', ops.square),
  unary('reciprocal', ops.reciprocal, positive),
  unary('sin', ops.sin),
  unary('cos', ops.cos),
  unary('tanh', ops.tanh),
  unary('sigmoid', ops.sigmoid, (r) => [values(r, [3, 4], -6, 6)]),
  unary('softplus', ops.softplus, (r) => [values(r, [3, 4], -6, 6)]),
  unary('relu', ops.relu, (r) => [offKink(r, [3, 4])]),
  unary('erf', ops.erf),
  unary('sign', ops.sign, (r) => [offGrid(r, [3, 4])], false),
  unary('step', ops.step, (r) => [offGrid(r, [3, 4])], false),
  unary('floor', ops.floor, (r) => [offGrid(r, [3, 4])], false),
  unary('ceil', ops.ceil, (r) => [offGrid(r, [3, 4])], false),
  unary('round', ops.round, (r) => [offGrid(r, [3, 4])], false),
  unary('isFinite', ops.isFinite, undefined, false),
  unary('affine', (x) => ops.affine(x, -1.5, 0.25)),
  unary('clip', (x) => ops.clip(x, -0.1, 0.1), (r) => [offKink(r, [3, 4])]),
  unary('sigmoid-extremes', ops.sigmoid, () => [ops.tensor([1000, -1000, 30, -30, 0], [5])]),
  unary('softplus-extremes', ops.softplus, () => [ops.tensor([1000, -1000, 30, -30, 0], [5])]),
  // elementwise, two inputs, broadcasting
  { name: 'add [2,3]+[3]', op: ops.add, inputs: (r) => [values(r, [2, 3]), values(r, [3])] },
  { name: 'add [4,1,3]+[2,3]', op: ops.add, inputs: (r) => [values(r, [4, 1, 3]), values(r, [2, 3])] },
  { name: 'add [2,3]+[2,3]', op: ops.add, inputs: (r) => [values(r, [2, 3]), values(r, [2, 3])] },
  { name: 'add []+[2,3]', op: ops.add, inputs: (r) => [values(r, []), values(r, [2, 3])] },
  { name: 'add number', op: (x) => ops.add(x, 0.5), inputs: (r) => [values(r, [2, 3])] },
  { name: 'sub [2,1]+[1,3]', op: ops.sub, inputs: (r) => [values(r, [2, 1]), values(r, [1, 3])] },
  { name: 'sub number', op: (x) => ops.sub(2, x), inputs: (r) => [values(r, [2, 3])] },
  { name: 'mul [2,3]+[]', op: ops.mul, inputs: (r) => [values(r, [2, 3]), values(r, [])] },
  { name: 'mul [3,1]+[2,1,4]', op: ops.mul, inputs: (r) => [values(r, [3, 1]), values(r, [2, 1, 4])] },
  { name: 'div [2,3]+[3]', op: ops.div, inputs: (r) => [values(r, [2, 3]), values(r, [3], 0.5, 2)] },
  { name: 'div number', op: (x) => ops.div(2, x), inputs: (r) => [values(r, [2, 3], 0.5, 2)] },
  { name: 'pow [2,3]+[2,1]', op: ops.pow, inputs: (r) => [values(r, [2, 3], 0.5, 2), values(r, [2, 1], -1.5, 1.5)] },
  { name: 'maximum [2,3]+[3]', op: ops.maximum, inputs: (r) => [distinct(r, [2, 3]), ops.add(distinct(r, [3]), 0.125)] },
  { name: 'minimum [3,1]+[4]', op: ops.minimum, inputs: (r) => [distinct(r, [3, 1]), ops.add(distinct(r, [4]), 0.125)] },
  ...(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const).map(
    (name): ConformanceCase => ({ name, op: ops[name], inputs: (r) => [ints(r, [3, 4]), ints(r, [4])], gradInputs: [] }),
  ),
  { name: 'where', op: ops.where, inputs: (r) => [ints(r, [2, 3], 2), values(r, [2, 3]), values(r, [3])], gradInputs: [1, 2] },
  // reductions
  { name: 'sum all', op: (x) => ops.sum(x), inputs: (r) => [values(r, [2, 3, 4])] },
  { name: 'sum axes [0,2] keepDims', op: (x) => ops.sum(x, { axis: [0, 2], keepDims: true }), inputs: (r) => [values(r, [2, 3, 4])] },
  { name: 'sum axis 1', op: (x) => ops.sum(x, { axis: 1 }), inputs: (r) => [values(r, [2, 3, 4])] },
  { name: 'mean axis -1', op: (x) => ops.mean(x, { axis: -1 }), inputs: (r) => [values(r, [2, 3, 4])] },
  { name: 'max axis -1', op: (x) => ops.max(x, { axis: -1 }), inputs: (r) => [distinct(r, [2, 3, 4])] },
  { name: 'max axes [0,1]', op: (x) => ops.max(x, { axis: [0, 1], keepDims: true }), inputs: (r) => [distinct(r, [2, 3, 4])] },
  { name: 'min axis 0', op: (x) => ops.min(x, { axis: 0 }), inputs: (r) => [distinct(r, [3, 4])] },
  { name: 'prod axis 1', op: (x) => ops.prod(x, { axis: 1 }), inputs: (r) => [values(r, [3, 4], 0.5, 1.5)] },
  { name: 'logSumExp axis 1', op: (x) => ops.logSumExp(x, { axis: 1 }), inputs: (r) => [values(r, [3, 4], -3, 3)] },
  { name: 'logSumExp large', op: (x) => ops.logSumExp(x, { axis: -1 }), inputs: () => [ops.tensor([[1000, 1000], [-1000, 999]])] },
  { name: 'variance axis 0', op: (x) => ops.variance(x, { axis: 0 }), inputs: (r) => [values(r, [4, 3])] },
  { name: 'argmax axis 1', op: (x) => ops.argmax(x, 1), inputs: (r) => [distinct(r, [3, 4])], gradInputs: [] },
  { name: 'argmin axis 0', op: (x) => ops.argmin(x, 0, true), inputs: (r) => [distinct(r, [3, 4])], gradInputs: [] },
  // matrix products at odd sizes, every transposition, broadcast batches
  { name: 'matmul 5x7x3', op: (a, b) => ops.matmul(a, b), inputs: (r) => [values(r, [5, 7]), values(r, [7, 3])] },
  { name: 'matmul transposeA', op: (a, b) => ops.matmul(a, b, { transposeA: true }), inputs: (r) => [values(r, [7, 5]), values(r, [7, 6])] },
  { name: 'matmul transposeB', op: (a, b) => ops.matmul(a, b, { transposeB: true }), inputs: (r) => [values(r, [5, 7]), values(r, [6, 7])] },
  { name: 'matmul transposeA transposeB', op: (a, b) => ops.matmul(a, b, { transposeA: true, transposeB: true }), inputs: (r) => [values(r, [3, 5]), values(r, [9, 3])] },
  { name: 'matmul batch broadcast', op: (a, b) => ops.matmul(a, b), inputs: (r) => [values(r, [2, 1, 3, 4]), values(r, [3, 4, 2])] },
  { name: 'dense layer', op: (x, w, b) => ops.tanh(ops.add(ops.matmul(x, w), b)), inputs: (r) => [values(r, [4, 3]), values(r, [3, 5]), values(r, [5])] },
  // the fused hot path of a training step (dense layer, cross-entropy, the guard's check)
  { name: 'dense relu', op: (x, w, b) => ops.dense(x, w, b, 'relu'), inputs: (r) => [values(r, [5, 3]), values(r, [3, 4]), values(r, [4])] },
  { name: 'dense sigmoid', op: (x, w, b) => ops.dense(x, w, b, 'sigmoid'), inputs: (r) => [values(r, [4, 3], -3, 3), values(r, [3, 5]), values(r, [5])] },
  { name: 'dense tanh [2,3,4]', op: (x, w, b) => ops.dense(x, w, b, 'tanh'), inputs: (r) => [values(r, [2, 3, 4]), values(r, [4, 3]), values(r, [3])] },
  // a convolution's bias and activation, over the last axis of an NHWC map
  { name: 'biasActivation relu [2,3,2,4]', op: (z, b) => ops.biasActivation(z, b, 'relu'), inputs: (r) => [offKink(r, [2, 3, 2, 4]), values(r, [4], -0.1, 0.1)] },
  { name: 'biasActivation sigmoid', op: (z, b) => ops.biasActivation(z, b, 'sigmoid'), inputs: (r) => [values(r, [3, 5], -3, 3), values(r, [5])] },
  { name: 'biasActivation tanh, no bias', op: (z) => ops.biasActivation(z, null, 'tanh'), inputs: (r) => [values(r, [2, 2, 3])] },
  { name: 'dense linear, no bias', op: (x, w) => ops.dense(x, w), inputs: (r) => [values(r, [3, 6]), values(r, [6, 2])] },
  {
    name: 'sparseSoftmaxCrossEntropy',
    op: (x, labels) => ops.sparseSoftmaxCrossEntropyWithLogits(x, labels),
    inputs: (r) => [values(r, [5, 4], -3, 3), ints(r, [5], 4)],
    gradInputs: [0],
  },
  { name: 'sparseSoftmaxCrossEntropy extremes', op: (x, labels) => ops.sparseSoftmaxCrossEntropyWithLogits(x, labels), inputs: () => [ops.tensor([[1000, 0], [0, -1000]]), ops.tensor([1, 1])], gradInputs: [] },
  {
    name: 'softmaxCrossEntropy soft targets [2,3,4]',
    op: (x, t) => ops.softmaxCrossEntropyWithLogits(x, t),
    inputs: (r) => [values(r, [2, 3, 4], -3, 3), ops.softmax(values(r, [2, 3, 4]))],
  },
  { name: 'axpby', op: (x, y) => ops.axpby(x, y, 0.9, -0.1), inputs: (r) => [values(r, [3, 5]), values(r, [3, 5])] },
  { name: 'axpby a=1 (an update)', op: (p, u) => ops.axpby(p, u, 1, -0.05), inputs: (r) => [values(r, [7]), values(r, [7])] },
  { name: 'allFinite', op: (x) => ops.tensor([ops.allFinite(x) ? 1 : 0, ops.allFinite(ops.log(x)) ? 1 : 0, ops.allFinite(ops.sqrt(ops.neg(x))) ? 1 : 0]), inputs: () => [ops.tensor([3, 0, 2])], gradInputs: [] },
  // layout
  { name: 'transpose', op: (x) => ops.transpose(x), inputs: (r) => [values(r, [3, 4])] },
  { name: 'permute', op: (x) => ops.permute(x, [2, 0, 1]), inputs: (r) => [values(r, [2, 3, 4])] },
  { name: 'reshape', op: (x) => ops.reshape(x, [4, -1]), inputs: (r) => [values(r, [2, 3, 4])] },
  { name: 'expandDims squeeze', op: (x) => ops.squeeze(ops.expandDims(x, 1), [1]), inputs: (r) => [values(r, [3, 4])] },
  { name: 'broadcastTo', op: (x) => ops.broadcastTo(x, [2, 3, 4]), inputs: (r) => [values(r, [3, 1])] },
  { name: 'slice', op: (x) => ops.slice(x, [1, 0, 1], [1, 2, -1]), inputs: (r) => [values(r, [2, 3, 4])] },
  { name: 'concat', op: (a, b) => ops.concat([a, b], 1), inputs: (r) => [values(r, [2, 3]), values(r, [2, 2])] },
  { name: 'stack', op: (a, b) => ops.stack([a, b], -1), inputs: (r) => [values(r, [2, 3]), values(r, [2, 3])] },
  { name: 'gather', op: (x, i) => ops.gather(x, i, 1), inputs: (r) => [values(r, [2, 4, 3]), ints(r, [5], 4)], gradInputs: [0] },
  { name: 'oneHot', op: (i) => ops.oneHot(i, 5), inputs: (r) => [ints(r, [2, 3], 5)], gradInputs: [] },
  { name: 'pad', op: (x) => ops.pad(x, [[1, 0], [2, 1]], 0.5), inputs: (r) => [values(r, [2, 3])] },
  // gradients through a float32 round trip are quantised: a wide difference step keeps that noise small
  { name: 'cast', op: (x) => ops.cast(ops.cast(x, 'float32'), 'float64'), inputs: (r) => [values(r, [2, 3])], gradcheck: { eps: 1e-2, atol: 1e-4, rtol: 1e-4 } },
  // softmax
  { name: 'softmax axis 0', op: (x) => ops.softmax(x, 0), inputs: (r) => [values(r, [3, 4], -3, 3)] },
  { name: 'softmax extremes', op: (x) => ops.softmax(x), inputs: () => [ops.tensor([[1000, 0], [0, -1000]])] },
  { name: 'logSoftmax', op: (x) => ops.logSoftmax(x), inputs: (r) => [values(r, [3, 4], -3, 3)] },
  { name: 'logSoftmax extremes', op: (x) => ops.logSoftmax(x, 1), inputs: () => [ops.tensor([[1000, 0], [0, -1000]])] },
  // windows
  { name: "conv2d 'same' stride 2", op: (x, w) => ops.conv2d(x, w, { strides: 2, padding: 'same' }), inputs: (r) => [values(r, [1, 5, 5, 2]), values(r, [3, 3, 2, 3])] },
  { name: "conv2d 'valid' strides [1, 2]", op: (x, w) => ops.conv2d(x, w, { strides: [1, 2] }), inputs: (r) => [values(r, [2, 4, 5, 1]), values(r, [2, 3, 1, 2])] },
  { name: 'maxPool2d', op: (x) => ops.maxPool2d(x, 2, { padding: 'same' }), inputs: (r) => [distinct(r, [1, 5, 5, 2])] },
  { name: 'avgPool2d', op: (x) => ops.avgPool2d(x, [3, 2], { strides: [2, 1] }), inputs: (r) => [values(r, [1, 5, 4, 2])] },
];

/** The largest |actual − expected| and whether every element is within atol + rtol·|expected|. */
function compare(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): { error: number; ok: boolean; where: number } {
  let error = 0;
  let ok = actual.length === expected.length;
  let where = -1;
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
    const a = actual[i];
    const e = expected[i];
    if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const diff = Math.abs(a - e);
    if (!(diff <= atol + rtol * Math.abs(e))) {
      if (ok) where = i;
      ok = false;
    }
    if (!(diff <= error)) error = Number.isNaN(diff) ? Infinity : diff;
  }
  return { error, ok, where };
}

interface Evaluation {
  readonly output: Tensor;
  readonly grads: Tensor[] | undefined;
}

function evaluate(c: ConformanceCase, seed: number, gradients: boolean): Evaluation {
  const inputs = c.inputs(new Random(seed));
  const output = noGrad(() => c.op(...inputs));
  if (!gradients) return { output, grads: undefined };
  const diff = c.gradInputs ?? inputs.map((_, i) => i);
  if (diff.length === 0) return { output, grads: undefined };
  // project onto a fixed direction so non-scalar outputs get a full vector-Jacobian product
  const direction = ops.normal(output.shape, 0, 1, { seed: seed + 1, dtype: output.dtype });
  const { grads } = valueAndGrad((...vars: Tensor[]) =>
    ops.sum(ops.mul(c.op(...inputs.map((x, i) => (diff.includes(i) ? vars[diff.indexOf(i)] : x))), direction)),
  )(...diff.map((i) => inputs[i]));
  return { output, grads };
}

/** Runs one case on the named backend and on 'js' (the current backend is restored). */
export function runConformanceCase(c: ConformanceCase, backendName: string, options: ConformanceOptions = {}): ConformanceResult {
  const previous = engine.backend;
  try {
    return runCase(c, backendName, options);
  } finally {
    engine.setBackend(previous);
  }
}

function runCase(c: ConformanceCase, backendName: string, options: ConformanceOptions): ConformanceResult {
  const seed = options.seed ?? 1;
  const rtol = options.rtol ?? 1e-4;
  const atol = options.atol ?? 1e-5;
  const gradients = options.gradients ?? true;
  const notes: string[] = [];
  let maxError = 0;
  let ok = true;
  try {
    engine.setBackend(engine.backendNamed('js'));
    const reference = evaluate(c, seed, gradients);
    const backend = engine.backendNamed(backendName);
    engine.setBackend(backend);
    const actual = evaluate(c, seed, gradients);
    if (actual.output.backend !== backend) {
      ok = false;
      notes.push(`the result lives on '${actual.output.backend.name}', not '${backendName}'`);
    }
    if (!shapesEqual(actual.output.shape, reference.output.shape) || actual.output.dtype !== reference.output.dtype) {
      ok = false;
      notes.push(`result ${formatShape(actual.output.shape)} ${actual.output.dtype}, reference ${formatShape(reference.output.shape)} ${reference.output.dtype}`);
    } else {
      const v = compare(actual.output.values, reference.output.values, rtol, atol);
      maxError = Math.max(maxError, v.error);
      if (!v.ok) {
        ok = false;
        notes.push(`values differ from 'js' at element ${v.where}: ${actual.output.values[v.where]} vs ${reference.output.values[v.where]}`);
      }
    }
    if (actual.grads !== undefined && reference.grads !== undefined) {
      actual.grads.forEach((g, k) => {
        const r = (reference.grads as Tensor[])[k];
        if (!shapesEqual(g.shape, r.shape)) {
          ok = false;
          notes.push(`gradient ${k} has shape ${formatShape(g.shape)}, reference ${formatShape(r.shape)}`);
          return;
        }
        const d = compare(g.values, r.values, rtol, atol);
        maxError = Math.max(maxError, d.error);
        if (!d.ok) {
          ok = false;
          notes.push(`gradient ${k} differs from 'js' at element ${d.where}: ${g.values[d.where]} vs ${r.values[d.where]}`);
        }
      });
      // and against central differences, in float64 on the backend under test
      const inputs = c.inputs(new Random(seed));
      const diff = c.gradInputs ?? inputs.map((_, i) => i);
      const f = (...vars: Tensor[]): Tensor => c.op(...inputs.map((x, i) => (diff.includes(i) ? vars[diff.indexOf(i)] : x)));
      const check = gradcheck(f, diff.map((i) => inputs[i]), c.gradcheck);
      if (check.worst !== undefined) maxError = Math.max(maxError, check.worst.error);
      if (!check.ok) {
        ok = false;
        notes.push(check.message);
      }
    }
  } catch (error) {
    ok = false;
    maxError = Infinity;
    notes.push(`threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  const message = ok ? `${c.name}: ok on '${backendName}' (max error ${maxError.toExponential(2)})` : `${c.name}: FAILED on '${backendName}': ${notes.join('; ')}`;
  return { case: c.name, ok, maxError, message };
}

/**
 * Runs every conformance case on the named backend and on the 'js' reference: values and
 * gradients must agree within float32 tolerance, and gradients must match central differences.
 * A new backend only has to be registered to be tested (`testBackend` runs this with the
 * backend contract checks). The current backend is restored.
 */
export function runConformance(backendName: string, options: ConformanceOptions = {}): ConformanceResult[] {
  const previous = engine.backend;
  // an unknown or unavailable backend is one clear error, not a failure per case
  engine.backendNamed(backendName);
  try {
    return conformanceCases.filter((c) => options.only === undefined || options.only.test(c.name)).map((c) => runCase(c, backendName, options));
  } finally {
    engine.setBackend(previous);
  }
}
