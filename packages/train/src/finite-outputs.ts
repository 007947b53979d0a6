import type { Module } from '@keel/layers';
import { allFinite, type Tensor } from '@keel/tensor';
import { firstBadExample, nonFiniteIn } from './guard.js';

/** What was not finite when evaluating or predicting. */
export type NonFiniteKind = 'inputs' | 'targets' | 'outputs' | 'loss';

/**
 * `evaluate` or `predict` met a NaN or infinite value: a score or prediction computed from it would
 * be meaningless, so it is an error naming the example, the layer when one is to blame, and what to do.
 */
export class NonFiniteOutputError extends Error {
  readonly kind: NonFiniteKind;
  /** The index (in the data set, or the first axis of predict's x) of the first example concerned. */
  readonly example: number;
  /** The layer whose output first became non-finite, for a model with `layers` (Sequential). */
  readonly layer: string | undefined;

  constructor(message: string, kind: NonFiniteKind, example: number, layer?: string) {
    super(message);
    this.name = 'NonFiniteOutputError';
    this.kind = kind;
    this.example = example;
    this.layer = layer;
  }
}

interface LayerLike {
  readonly name?: string;
  readonly type?: string;
  apply(x: Tensor): Tensor;
  parameters(): Map<string, Tensor>;
}

function layersOf(model: Module): readonly LayerLike[] | undefined {
  const layers = (model as { layers?: unknown }).layers;
  return Array.isArray(layers) && layers.every((l) => typeof (l as LayerLike).apply === 'function') ? (layers as LayerLike[]) : undefined;
}

/** Which layer turns the (finite) inputs non-finite, re-running the batch one layer at a time (only after a failure). */
function blame(layers: readonly LayerLike[], x: Tensor): { layer: LayerLike; input: Tensor; output: Tensor } | undefined {
  let h = x;
  for (const layer of layers) {
    const next = layer.apply(h);
    if (!allFinite(next)) return { layer, input: h, output: next };
    h = next;
  }
  return undefined;
}

/** Why a layer's output is non-finite: a broken weight, or finite values too large for float32. */
function layerCause(layer: LayerLike, input: Tensor): string {
  const label = `layer '${layer.name ?? '?'}'${layer.type === undefined ? '' : ` (${layer.type})`}`;
  let largest: { name: string; value: number } | undefined;
  for (const [name, p] of layer.parameters()) {
    const bad = nonFiniteIn(p.borrowValues());
    if (bad !== undefined) {
      return `${label}: its parameter ${name} holds ${bad.value} at index ${bad.index}; the model's weights are broken: load an earlier checkpoint or retrain`;
    }
    for (const v of p.borrowValues()) if (largest === undefined || Math.abs(v) > Math.abs(largest.value)) largest = { name, value: v };
  }
  let largestInput = 0;
  for (const v of input.borrowValues()) largestInput = Math.max(largestInput, Math.abs(v));
  const weight = largest === undefined ? '' : `its largest weight is ${largest.name} = ${largest.value.toPrecision(3)}, `;
  return (
    `${label} made it from finite inputs and finite weights (${weight}its largest input ${largestInput.toPrecision(3)}): ` +
    'the values overflowed float32 (about ±3.4e38). Weights that large mean a damaged or diverged model (load an earlier ' +
    'checkpoint or retrain); inputs that large mean data not scaled like the training data'
  );
}

function examples(first: number, count: number): string {
  return count === 1 ? `example ${first}` : `examples ${first}–${first + count - 1}`;
}

/**
 * Checks one batch's inputs before the model runs (cheap: one `allFinite` on the backend): a NaN
 * or ±Infinity feature is an error naming the example, whatever the model would make of it — a
 * saturating activation turns Infinity into a finite output, and a score computed from it would
 * be silently wrong. `exampleOf(row)` is the data set's index of the batch's row.
 */
export function checkInputs(owner: string, x: Tensor, exampleOf: (row: number) => number): void {
  if (allFinite(x)) return;
  const bad = firstBadExample(x);
  if (bad === undefined) return;
  const example = exampleOf(bad.row);
  throw new NonFiniteOutputError(
    `${owner}: the inputs of example ${example} hold ${bad.value}, so the model's outputs are not finite: ` +
      'remove or repair the examples with NaN or infinite features before evaluating or predicting',
    'inputs',
    example,
  );
}

/**
 * Checks one batch's model outputs (cheap: one `allFinite` on the backend). On failure re-runs the
 * batch to say which layer made them non-finite (the inputs were checked by `checkInputs`).
 * `first` is the index of the batch's first example.
 */
export function checkOutputs(owner: string, model: Module, x: Tensor, output: Tensor, first: number): void {
  if (allFinite(output)) return;
  const bad = firstBadExample(output);
  const example = first + (bad?.row ?? 0);
  checkInputs(owner, x, (row) => first + row);
  const layers = layersOf(model);
  const found = layers === undefined ? undefined : blame(layers, x);
  const cause = found === undefined ? 'the model turned finite inputs into non-finite outputs' : layerCause(found.layer, found.input);
  throw new NonFiniteOutputError(
    `${owner}: the model's output for example ${example} is ${bad?.value ?? 'not finite'}; the first non-finite value comes from ${cause}`,
    'outputs',
    example,
    found?.layer.name,
  );
}

/** The targets of one batch must be finite (a NaN label would silently count as a wrong prediction). */
export function checkTargets(owner: string, y: Tensor, first: number): void {
  if (y.dtype !== 'float32' || allFinite(y)) return;
  const bad = firstBadExample(y);
  const example = first + (bad?.row ?? 0);
  throw new NonFiniteOutputError(
    `${owner}: the targets of example ${example} hold ${bad?.value ?? 'a non-finite value'}: repair or remove that example's label`,
    'targets',
    example,
  );
}

/** The loss over a batch whose outputs and targets were finite must be finite too. */
export function checkLoss(owner: string, value: number, first: number, count: number): void {
  if (Number.isFinite(value)) return;
  throw new NonFiniteOutputError(
    `${owner}: the loss is ${value} on ${examples(first, count)} although the model's outputs and the targets are finite: ` +
      'a loss that reads probabilities got an output of exactly 0 or 1 (use a from-logits loss such as sparseSoftmaxCrossEntropy), ' +
      'or the targets are not what the loss expects (class indices out of range, probabilities outside [0, 1])',
    'loss',
    first,
  );
}
