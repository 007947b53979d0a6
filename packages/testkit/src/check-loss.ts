import { createLoss, type LossConfig, type LossFn } from '@keel/losses';
import { gradcheck, mean, mul, noGrad, normal, oneHot, slice, sum, tensor, type Tensor } from '@keel/tensor';
import { formatConfig } from './format-config.js';
import { allFinite, maxRelativeDifference } from './numeric.js';
import { registryOf, type EntrySource } from './registry-with.js';
import { attempt, report, type CheckReport, type CheckResult } from './report.js';

/** A point where the loss's value is known in closed form (computed by hand by the author). */
export interface KnownLossValue {
  readonly predictions: number[][];
  readonly targets: number[] | number[][];
  /** The expected value with the mean reduction. */
  readonly expected: number;
  readonly tolerance?: number;
}

export interface LossCheckOptions extends EntrySource {
  /** Options for `createLoss` (`{ delta: 2 }`; default `{}`: every option at its default). */
  config?: LossConfig;
  /** Hand-computed values the loss must reproduce. */
  known?: readonly KnownLossValue[];
  /** Number of classes/outputs used for the generated checks (default 4). */
  width?: number;
  seed?: number;
}

/** Asked for by name, so a configured default reduction (`{ reduction: 'sum' }`) changes nothing. */
const MEAN = { reduction: 'mean' } as const;

function targetsFor(kind: string, batch: number, width: number, seed: number): Tensor {
  const indices = Array.from({ length: batch }, (_, i) => (i * 7 + seed) % width);
  if (kind === 'index') return tensor(indices, undefined, { dtype: 'float64' });
  if (kind === 'oneHot') return oneHot(tensor(indices, undefined, { dtype: 'float64' }), width);
  if (kind === 'binary') return tensor(Array.from({ length: batch * width }, (_, i) => (i * 5 + seed) % 2), [batch, width], { dtype: 'float64' });
  return normal([batch, width], 0, 1, { seed: seed + 5, dtype: 'float64' });
}

function predictionsFor(expects: string, batch: number, width: number, seed: number): Tensor {
  const raw = normal([batch, width], 0, 1.5, { seed, dtype: 'float64' });
  if (expects !== 'probabilities') return raw;
  // rows of a softmax, strictly inside (0, 1)
  const values = raw.dataSync();
  for (let r = 0; r < batch; r++) {
    let total = 0;
    for (let c = 0; c < width; c++) total += (values[r * width + c] = Math.exp(values[r * width + c]));
    for (let c = 0; c < width; c++) values[r * width + c] /= total;
  }
  return tensor(values, [batch, width], { dtype: 'float64' });
}

/**
 * Conformance checks for a loss: hand-computed values, reduction semantics (mean by default;
 * sum = mean × batch; none gives per-example losses), gradients against finite differences,
 * finiteness at extreme logits, and batch invariance of the per-example losses.
 */
export function checkLoss(id: string, options: LossCheckOptions = {}): CheckReport {
  const registry = registryOf(options);
  const config = options.config ?? {};
  const spec = registry.resolve('loss', id);
  const loss: LossFn = createLoss(registry, registry.idOf('loss', id), config);
  // A configured reduction is the loss's default; the others are still asked for by name.
  const reduction = typeof config.reduction === 'string' ? config.reduction : 'mean';
  const width = options.width ?? 4;
  const seed = options.seed ?? 3;
  const batch = 5;
  const predictions = predictionsFor(spec.expects, batch, width, seed);
  const targets = targetsFor(spec.targets, batch, width, seed);
  const results: CheckResult[] = [];

  for (const [k, point] of (options.known ?? []).entries()) {
    results.push(
      attempt(`known value ${k + 1}`, () => {
        const value = loss(tensor(point.predictions, undefined, { dtype: 'float64' }), tensor(point.targets, undefined, { dtype: 'float64' }), MEAN).item();
        const ok = Math.abs(value - point.expected) <= (point.tolerance ?? 1e-9) * Math.max(1, Math.abs(point.expected));
        return { check: '', ok, message: `${ok ? 'gives' : 'gave'} ${value}${ok ? '' : `, expected ${point.expected}`}` };
      }),
    );
  }

  results.push(
    attempt(`reduction: ${reduction} by default, sum = mean × batch, none = one loss per example`, () => {
      const none = loss(predictions, targets, { reduction: 'none' });
      const meanValue = loss(predictions, targets, MEAN).item();
      const sumValue = loss(predictions, targets, { reduction: 'sum' }).item();
      if (reduction !== 'none') {
        const byDefault = loss(predictions, targets).item();
        const wanted = reduction === 'sum' ? sumValue : meanValue;
        if (Math.abs(byDefault - wanted) > 1e-12 * Math.max(1, Math.abs(wanted))) return { check: '', ok: false, message: `the default reduction gives ${byDefault}, the ${reduction} ${wanted}: the default must be the batch ${reduction}` };
      }
      if (none.shape[0] !== batch || none.size !== batch) return { check: '', ok: false, message: `'none' gave shape [${none.shape.join(', ')}], expected one loss per example [${batch}]` };
      const perExampleMean = mean(none).item();
      if (Math.abs(perExampleMean - meanValue) > 1e-9 * Math.max(1, Math.abs(meanValue))) return { check: '', ok: false, message: `mean of 'none' is ${perExampleMean}, 'mean' is ${meanValue}` };
      if (Math.abs(sumValue - meanValue * batch) > 1e-9 * Math.max(1, Math.abs(sumValue))) return { check: '', ok: false, message: `'sum' is ${sumValue}, mean × batch is ${meanValue * batch}` };
      return `mean ${meanValue.toFixed(6)}, sum ${sumValue.toFixed(6)} over ${batch} examples`;
    }),
  );

  results.push(
    attempt('gradient matches finite differences (float64)', () => {
      const outcome = gradcheck((p) => loss(p, targets, MEAN), [predictions], { atol: 1e-6, rtol: 1e-4 });
      return { check: '', ok: outcome.ok, message: outcome.message };
    }),
  );

  results.push(
    attempt('gradient scales as 1/batch under mean reduction', () => {
      const one = slice(predictions, [0], [1]).detach().requireGrad();
      loss(one, slice(targets, [0], [1]), MEAN).backward();
      const copies = tensor(Array.from({ length: 4 }, () => Array.from(one.values)), undefined, { dtype: 'float64' }).requireGrad();
      const repeatedTargets = tensor(Array.from({ length: 4 }, () => (targets.rank === 1 ? targets.values[0] : Array.from(slice(targets, [0], [1]).values))), undefined, { dtype: 'float64' });
      loss(copies, repeatedTargets, MEAN).backward();
      const { error } = maxRelativeDifference(slice(mul(copies.grad!, 4), [0], [1]).values, one.grad!.values);
      return error < 1e-9 ? 'the gradient of N copies is 1/N of one example’s' : { check: '', ok: false, message: `4 copies give a per-example gradient ${error.toExponential(2)} away from 1/4 of a single example's: the loss is not averaged over the batch` };
    }),
  );

  if (spec.expects === 'logits') {
    results.push(
      attempt('finite value and gradient at logits of ±1e4', () => {
        const extreme = tensor(Array.from({ length: batch * width }, (_, i) => (i % 3 === 0 ? 1e4 : i % 3 === 1 ? -1e4 : 0)), [batch, width], { dtype: 'float32' }).requireGrad();
        const value = loss(extreme, targetsFor(spec.targets, batch, width, seed).detach());
        sum(value).backward();
        if (!Number.isFinite(value.item())) return { check: '', ok: false, message: `the loss is ${value.item()}` };
        const bad = allFinite(extreme.grad!.values);
        return bad < 0 ? `loss ${value.item().toExponential(3)}, gradient finite` : { check: '', ok: false, message: `gradient element ${bad} is ${extreme.grad!.values[bad]}` };
      }),
    );
  }

  results.push(
    attempt('batch invariance: each example’s loss depends only on that example', () => {
      const none = noGrad(() => loss(predictions, targets, { reduction: 'none' }));
      for (let row = 0; row < batch; row++) {
        const single = noGrad(() => loss(slice(predictions, [row], [1]), slice(targets, [row], [1]), { reduction: 'none' })).item();
        if (Math.abs(single - none.values[row]) > 1e-9 * Math.max(1, Math.abs(single))) return { check: '', ok: false, message: `example ${row}: ${single} alone, ${none.values[row]} in the batch` };
      }
      return 'per-example losses do not leak across the batch';
    }),
  );

  return report(`loss '${id}' ${formatConfig(config)}`, results);
}
