// Checks for a tensor backend's author: run the same seeded work on the backend and on the 'js'
// reference and compare, and check the contract every backend keeps (the ownership rule, the
// backend definition). @keel/backend-native and @keel/backend-wasm test themselves with these.
import {
  add, defineBackend, engine, logSoftmax, matmul, mean, mul, noGrad, normal, oneHot, openAllocationScope, relu, setBackend, sub, sum, tanh, tensor, tidy, uniform, zeros,
  type Tensor,
} from '@keel/tensor';
import { conformanceCases, runConformanceCase, type ConformanceCase, type ConformanceOptions } from './conformance.js';
import { report, type CheckReport, type CheckResult } from './report.js';

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

/** Options of `checkBackend` / `testBackend`: the conformance suite's, and whether to run it at all. */
export interface BackendCheckOptions extends ConformanceOptions {
  /** Run the conformance cases (default true); the contract checks always run. */
  readonly conformance?: boolean;
}

/** Runs `fn` with `name` current (the backend from the engine's registry), restoring the previous backend. */
function onNamed<T>(name: string, fn: () => T): T {
  const previous = engine.backend;
  engine.setBackend(engine.backendNamed(name));
  try {
    return fn();
  } finally {
    engine.setBackend(previous);
  }
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

/**
 * The backend contract beyond its kernels' values: what @keel/tensor's ownership rule and backend
 * definition promise every backend keeps. Each check returns what it saw, or throws saying what broke.
 */
export const backendContract: readonly { readonly check: string; readonly run: (name: string) => string | Promise<string> }[] = [
  {
    check: 'is a valid backend definition (defineBackend: kernels only for ops of the table, a fallback)',
    run: (name) => {
      const backend = defineBackend(engine.backendNamed(name));
      return `${Object.keys(backend.kernels).length} own kernels, fallback ${backend.fallback === null ? 'none' : `'${backend.fallback.name}'`}`;
    },
  },
  {
    check: 'values read inside a scope survive every later scope (the ownership rule: .values pins)',
    run: (name) =>
      onNamed(name, () => {
        let kept: ArrayLike<number> | undefined;
        tidy(() => {
          kept = matmul(tensor([[1, 2], [3, 4]]), tensor([[1, 2], [3, 4]])).values;
        });
        for (let i = 0; i < 3; i++) {
          tidy(() => {
            matmul(tensor([[9, 9], [9, 9]]), tensor([[9, 9], [9, 9]]));
          });
        }
        if (!same(kept!, [7, 10, 15, 22])) throw new Error(`an array read inside tidy changed after later scopes: [${Array.from(kept!).join(', ')}], expected [7, 10, 15, 22]`);
        return 'kept [7, 10, 15, 22] through three later scopes';
      }),
  },
  {
    check: 'values read survive replace, dispose and the scope of the tensors they came from',
    run: (name) =>
      onNamed(name, () => {
        const param = tensor([1, 2, 3, 4]);
        const reads: { values: ArrayLike<number>; expected: number[] }[] = [];
        for (let step = 0; step < 4; step++) {
          const scope = openAllocationScope();
          const update = mul(param, 2);
          reads.push({ values: update.values, expected: Array.from(update.values) });
          noGrad(() => param.replace(update));
          const read = param.values;
          reads.push({ values: read, expected: Array.from(read) });
          const doomed = mul(param, -1);
          reads.push({ values: doomed.values, expected: Array.from(doomed.values) });
          doomed.dispose();
          scope.close();
          tidy(() => {
            for (let i = 0; i < 4; i++) mul(tensor([9, 9, 9, 9]), 9);
          });
        }
        const changed = reads.findIndex(({ values, expected }) => !same(values, expected));
        if (changed >= 0) throw new Error(`read ${changed} changed to [${Array.from(reads[changed].values).join(', ')}] from [${reads[changed].expected.join(', ')}]`);
        if (!same(param.values, [16, 32, 48, 64])) throw new Error(`the parameter ended at [${Array.from(param.values).join(', ')}], expected [16, 32, 48, 64]`);
        return `${reads.length} reads unchanged`;
      }),
  },
  {
    check: 'a tensor released by its scope or dispose() cannot be read, and disposing twice is harmless',
    run: (name) =>
      onNamed(name, () => {
        const scope = openAllocationScope();
        const inScope = add(tensor([1, 2]), 1);
        scope.close();
        const disposed = add(tensor([1, 2]), 2);
        disposed.dispose();
        disposed.dispose();
        const backendFreesEarly = engine.backend.dispose !== undefined;
        for (const [label, t] of [['scoped', inScope], ['disposed', disposed]] as const) {
          if (label === 'scoped' && !backendFreesEarly) continue; // the GC owns storage: scopes track nothing
          let threw = false;
          try {
            void t.values;
          } catch {
            threw = true;
          }
          if (!threw) throw new Error(`reading a ${label} tensor did not throw`);
        }
        return backendFreesEarly ? 'reads after release throw' : 'reads after dispose() throw (the GC owns storage: scopes track nothing)';
      }),
  },
  {
    check: 'await t.data() gives a copy of the values, as dataSync() does',
    run: async (name) => {
      const t = onNamed(name, () => add(tensor([1, 2, 3]), 0.5));
      const values = await t.data();
      if (!same(values, [1.5, 2.5, 3.5])) throw new Error(`await t.data() gave [${Array.from(values).join(', ')}], expected [1.5, 2.5, 3.5]`);
      values[0] = 99;
      const again = engine.backend.download === undefined ? await t.data() : t.dataSync();
      if (!same(again, [1.5, 2.5, 3.5])) throw new Error('changing the array data() returned changed the tensor: it must be a copy');
      return 'a copy of [1.5, 2.5, 3.5]';
    },
  },
];

/**
 * Every check of a backend, for use without vitest: the contract checks, then (unless
 * `conformance: false`) every conformance case against 'js'. The backend must be registered in
 * the engine's registry (install its plugin first). Asynchronous, as reads from a device are.
 */
export async function checkBackend(name: string, options: BackendCheckOptions = {}): Promise<CheckReport> {
  const results: CheckResult[] = [];
  for (const { check, run } of backendContract) results.push(await attemptAsync(check, () => run(name)));
  if (options.conformance !== false) {
    for (const c of selectedCases(options)) {
      const result = runConformanceCase(c, name, options);
      results.push({ check: `conformance: ${c.name}`, ok: result.ok, message: result.message });
    }
  }
  return report(`backend '${name}'`, results);
}

/** The conformance cases `options.only` selects. */
export function selectedCases(options: ConformanceOptions = {}): readonly ConformanceCase[] {
  return conformanceCases.filter((c) => options.only === undefined || options.only.test(c.name));
}

async function attemptAsync(check: string, run: () => string | Promise<string>): Promise<CheckResult> {
  try {
    return { check, ok: true, message: await run() };
  } catch (error) {
    return { check, ok: false, message: `threw: ${error instanceof Error ? error.message : String(error)}` };
  }
}
