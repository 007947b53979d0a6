// Static lints: the model, the loss, the optimizer config and one batch, before any training.
import { DataLoader, type Dataset, type Example } from '@keel/data';
import type { Module } from '@keel/layers';
import { checkLossInputs, type LossInputIssue } from '@keel/losses';
import { defaultRegistry, type Registry } from '@keel/registry';
import { concat, noGrad, slice, type Tensor } from '@keel/tensor';
import { installTrain, resolveLoss, type LossArg, type OptimizerArg, type ResolvedLoss } from '@keel/train';
import { outputSpread, rms, unitActivity } from './activity.js';
import { ForwardCapture } from './capture.js';
import { finding, mergeFindings, sortFindings, type Finding } from './findings.js';
import { kernelMoments, recommendedScale } from './init-moments.js';
import { fmt, pct, roundLr, times } from './format.js';
import {
  initializerLabel,
  isOneSided,
  isReluFamily,
  isTwoSided,
  layersOf,
  optimizerInfo,
  outputLayer,
  unitName,
  type ActivationInfo,
  type LayerView,
  type OptimizerInfo,
} from './model-info.js';
import { allWhole, columnStats, valueStats } from './stats.js';

export interface LintOptions {
  readonly model: Module;
  /** The loss, as given to `fit` (an id, `{ id, ...options }` such as `{ id: 'meanSquaredError', reduction: 'sum' }`, or a function). */
  readonly loss: LossArg;
  /** The optimizer config, as given to `fit` (used to put numbers on advice). */
  readonly optimizer?: OptimizerArg;
  /** A first batch. Or give `data` and the first (shuffled) batch is taken from it. */
  readonly batch?: { readonly x: Tensor; readonly y: Tensor };
  readonly data?: Dataset<Example>;
  /** The training batch size (default: the batch's size), to say how much a summed loss scales. */
  readonly batchSize?: number;
  readonly registry?: Registry;
}

/** What the lint measured for one layer, at initialisation, on the batch. */
export interface LayerInitStats {
  readonly name: string;
  readonly type: string;
  readonly activation?: string;
  readonly kernelInitializer?: string;
  readonly fanIn?: number;
  readonly fanOut?: number;
  readonly weightMean?: number;
  readonly weightStd?: number;
  /** E[w²]·fanIn over the activation's gain²: 1 is the He/LeCun target for this activation. */
  readonly initScale?: number;
  /** The standard deviation of the activation's recommended initializer for this shape. */
  readonly recommendedStd?: number;
  readonly inputRms?: number;
  readonly preActivationRms?: number;
  readonly outputRms?: number;
  /** ReLU-like units that never fired on the batch. */
  readonly deadFraction?: number;
  /** Sigmoid-like pre-activations in the saturated tails. */
  readonly saturatedFraction?: number;
}

export interface LintResult {
  readonly findings: Finding[];
  readonly layers: LayerInitStats[];
  /** The loss on the batch, as the loss is configured (summed if it sums). */
  readonly initialLoss?: number;
  /** What the loss should be for uninformed predictions (ln K for K-class cross-entropy), per example. */
  readonly expectedInitialLoss?: number;
  /** loss(two copies of one example) / loss(one example): 1 for a mean-reduced loss, 2 for a summed one. */
  readonly batchScaling?: number;
}

/** Everything lint works out about the loss once, shared by the checks. */
interface LossContext {
  readonly resolved: ResolvedLoss;
  readonly name: string;
  readonly reduction: string | undefined;
}

function lossContext(registry: Registry, loss: LossArg): LossContext {
  const resolved = resolveLoss(registry, loss);
  const given = typeof loss === 'object' ? (loss as { readonly reduction?: unknown }).reduction : undefined;
  const reduction = typeof given === 'string' ? given : undefined;
  return { resolved, name: resolved.id ?? 'the loss', reduction };
}

function firstBatch(data: Dataset<Example>, batchSize: number): { x: Tensor; y: Tensor } {
  const loader = new DataLoader(data, { batchSize: Math.min(batchSize, data.length), shuffle: true, seed: 0 });
  const first = loader.epoch(0).next();
  if (first.done === true) throw new Error('lint: the data set is empty');
  return { x: first.value.x, y: first.value.y };
}

function ensureBuilt(model: Module, x: Tensor): void {
  const unbuilt = model as { built?: boolean; build?: (shape: readonly number[]) => unknown };
  if (unbuilt.built === false && typeof unbuilt.build === 'function') unbuilt.build(x.shape.slice(1));
}

/** The standard deviation the activation's recommended initializer gives this kernel shape. */
export function recommendedStd(registry: Registry | undefined, act: ActivationInfo | undefined, kernel: Tensor, fanIn: number, fanOut: number): number {
  return recommendedScale(registry, act?.recommendedInitializer ?? 'glorotUniform', kernel.shape, fanIn, fanOut);
}

// ------------------------------------------------------------------------------------------------
// loss vs outputs and targets
// ------------------------------------------------------------------------------------------------

/** '10 classes' out of the losses' message ("the targets look like 10 classes"). */
function classesIn(message: string): string {
  return /(\d+) classes/.exec(message)?.[0] ?? 'several classes';
}

function lossIssueFinding(issue: LossInputIssue, loss: LossContext, out: LayerView | undefined): Finding {
  const layer = out?.name;
  switch (issue.code) {
    case 'classes-with-regression-loss': {
      const act = out?.activation;
      return finding({
        code: 'mse-on-classification',
        severity: 'warning',
        source: 'lint',
        summary: `${loss.name} is used on one-hot class targets (${classesIn(issue.message)})${act !== undefined && act.id !== 'linear' ? `, after a ${act.id} output` : ''}: a regression loss on a classification problem`,
        cause:
          'a squared or absolute error treats class scores as numbers to regress; after a sigmoid or softmax output its gradient is error × σ′, which vanishes as the outputs saturate, so learning crawls or stalls (and without one, nothing keeps the scores comparable)',
        fix: "a linear output layer (activation 'linear', the default, i.e. logits) with loss 'softmaxCrossEntropy' for one-hot targets or 'sparseSoftmaxCrossEntropy' for class indices",
        evidence: { loss: loss.name, issue: issue.code, outputActivation: out?.activation?.id ?? null },
      });
    }
    case 'probabilities-for-logits':
      return finding({
        code: 'probabilities-for-logits',
        severity: 'warning',
        source: 'lint',
        ...(layer !== undefined ? { layer } : {}),
        summary: issue.message,
        cause: `${loss.name} applies softmax (or sigmoid) itself; fed probabilities, it squashes them a second time, so predictions stay near uniform and gradients are tiny`,
        fix: "give the loss raw scores: make the output layer linear (activation 'linear', the default)",
        evidence: { loss: loss.name, issue: issue.code },
      });
    case 'logits-for-probabilities':
      return finding({
        code: 'logits-for-probabilities',
        severity: 'error',
        source: 'lint',
        ...(layer !== undefined ? { layer } : {}),
        summary: issue.message,
        cause: `${loss.name} takes probabilities and clamps them to [eps, 1 − eps]; raw scores outside [0, 1] are clipped, which gives wrong values and zero gradients`,
        fix: `use the from-logits version (${loss.resolved.targets === 'binary' ? 'binaryCrossEntropyWithLogits' : 'softmaxCrossEntropy or sparseSoftmaxCrossEntropy'}) with a linear output layer`,
        evidence: { loss: loss.name, issue: issue.code },
      });
    case 'index-out-of-range':
      return finding({
        code: 'class-index-out-of-range',
        severity: 'error',
        source: 'lint',
        summary: issue.message,
        cause: 'the labels are not 0..K-1 for an output of K units: 1-based labels, or an output layer with too few units',
        fix: 'make the output layer as wide as the number of classes, and the labels 0-based',
        evidence: { loss: loss.name, issue: issue.code },
      });
    default:
      return finding({
        code: 'loss-input-mismatch',
        severity: issue.level === 'error' ? 'error' : 'warning',
        source: 'lint',
        summary: issue.message,
        cause: `the targets or predictions do not have the form ${loss.name} expects (predictions: ${loss.resolved.expects}, targets: ${loss.resolved.targets ?? 'any'})`,
        fix: 'match the loss to the data: see the message for the shapes and values it expects',
        evidence: { loss: loss.name, issue: issue.code },
      });
  }
}

/** Fewer outputs than this say nothing about their range: 4 linear logits fall in [0, 1] by chance. */
export const MIN_EXAMPLES_FOR_RANGE = 16;

/**
 * Whether outputs that look like probabilities (in [0, 1], or rows summing to 1) may really be
 * probabilities: the output layer's own activation decides when it is known (a linear, tanh or
 * ReLU output cannot have applied a sigmoid or softmax; one that declares producesProbabilities
 * has its own finding above); only for an unknown one do the values count, and then only from
 * enough examples.
 */
function probabilitiesPlausible(act: ActivationInfo | undefined, output: Tensor): boolean {
  if (act !== undefined) return act.producesProbabilities !== true && act.outputRange[0] >= 0 && act.outputRange[1] <= 1;
  return (output.shape[0] ?? 0) >= MIN_EXAMPLES_FOR_RANGE;
}

function lossFindings(loss: LossContext, out: LayerView | undefined, output: Tensor, y: Tensor, registry: Registry): Finding[] {
  const findings: Finding[] = [];
  const act = out?.activation;
  const { expects, targets } = loss.resolved;
  if (act?.producesProbabilities === true && expects === 'logits') {
    const what = act.id === 'softmax' ? 'softmax' : act.id === 'sigmoid' ? 'a sigmoid' : `'${act.id}' (which produces probabilities)`;
    findings.push(
      finding({
        code: 'probabilities-for-logits',
        severity: 'error',
        source: 'lint',
        layer: out!.name,
        summary: `the output layer applies ${what}, and ${loss.name} applies ${targets === 'binary' ? 'a sigmoid' : 'softmax'} again: it expects raw logits`,
        cause:
          'squashing twice: probabilities in [0, 1] read as logits differ by at most 1, so the loss cannot get near 0, predictions stay near uniform and the gradient is tiny; a softmax output written by hand can also overflow exp (the inf/NaN of the seeds)',
        fix: `remove the ${act.id} from the output layer (activation 'linear', the default) and keep ${loss.name}; apply ${act.id} only when you need probabilities at prediction time`,
        evidence: { outputActivation: act.id, loss: loss.name, lossExpects: expects },
      }),
    );
  }
  if (expects === 'probabilities' && act !== undefined && act.producesProbabilities !== true && !(act.outputRange[0] >= 0 && act.outputRange[1] <= 1)) {
    findings.push(
      finding({
        code: 'logits-for-probabilities',
        severity: 'error',
        source: 'lint',
        layer: out!.name,
        summary: `the output layer is '${act.id}' (outputs in [${fmt(act.outputRange[0])}, ${fmt(act.outputRange[1])}]), but ${loss.name} expects probabilities in [0, 1]`,
        cause: `${loss.name} clamps its inputs to [eps, 1 − eps]: raw scores are clipped, giving wrong losses and zero gradients`,
        fix: `keep the linear output and use ${targets === 'binary' ? 'binaryCrossEntropyWithLogits' : 'softmaxCrossEntropy / sparseSoftmaxCrossEntropy'}, which take logits and are numerically stable`,
        evidence: { outputActivation: act.id, loss: loss.name },
      }),
    );
  }
  if (loss.resolved.id !== undefined) {
    try {
      for (const issue of checkLossInputs(loss.resolved.id, output, y, { registry })) {
        if (issue.code === 'probabilities-for-logits' && !probabilitiesPlausible(act, output)) continue;
        findings.push(lossIssueFinding(issue, loss, out));
      }
    } catch {
      // A loss this registry does not know: skip the value checks.
    }
  }
  // Targets the output activation cannot produce (regression).
  if (expects === 'real' && act !== undefined && (targets === 'real' || targets === undefined)) {
    const t = valueStats(y.values);
    const [lo, hi] = act.outputRange;
    const tolerance = 1e-6;
    if (t.min < lo - tolerance || t.max > hi + tolerance) {
      findings.push(
        finding({
          code: 'output-range-mismatch',
          severity: 'error',
          source: 'lint',
          layer: out!.name,
          summary: `the targets range from ${fmt(t.min)} to ${fmt(t.max)}, but the output activation '${act.id}' only produces values in [${fmt(lo)}, ${fmt(hi)}]`,
          cause: 'the network cannot reach targets outside its output range; it pushes the output into the saturated edge, where the gradient vanishes',
          fix: "a linear output layer (activation 'linear', the default) for regression, or scale the targets into the output range",
          evidence: { targetMin: t.min, targetMax: t.max, outputMin: lo, outputMax: hi, outputActivation: act.id },
        }),
      );
    }
  }
  // A ReLU that can die on the output layer.
  if (act !== undefined && isOneSided(act) && act.saturation.below === 0 && (expects === 'real' || targets === 'binary')) {
    const binary = y.values.every((v) => v === 0 || v === 1);
    findings.push(
      finding({
        code: 'relu-on-output',
        severity: 'warning',
        source: 'lint',
        layer: out!.name,
        summary: `the output layer uses ${unitName(act)}`,
        cause:
          'a ReLU outputs 0 for every negative input and passes no gradient there: once an update pushes the output unit below 0 for all examples, the network predicts a constant 0 (or -0) and can never recover',
        fix: binary
          ? "a linear output layer (logits) with loss 'binaryCrossEntropyWithLogits' for 0/1 targets (keep ReLU in the hidden layers)"
          : "a linear output layer (activation 'linear', the default) for regression; keep ReLU in the hidden layers",
        evidence: { outputActivation: act.id, binaryTargets: binary },
      }),
    );
  }
  return findings;
}

// ------------------------------------------------------------------------------------------------
// initialisation vs activation
// ------------------------------------------------------------------------------------------------

const inputs = (n: number): string => `${n} input${n === 1 ? '' : 's'}`;

interface InitCheck {
  readonly stats: Partial<LayerInitStats>;
  readonly findings: Finding[];
}

/** Bands (on E[w²]·fanIn / gain²) outside which an initialisation is flagged, and outside which it is an error. */
const INIT_BAND = 10;
const INIT_BAND_ERROR = 100;

function initCheck(layer: LayerView, registry: Registry): InitCheck {
  const { kernel, fanIn, fanOut } = layer;
  if (kernel === undefined || fanIn === undefined || fanOut === undefined) return { stats: {}, findings: [] };
  const act = layer.activation;
  const gain = act?.gain ?? 1;
  const measured = valueStats(kernel.values);
  const moments = kernelMoments(kernel, layer.kernelSpec, fanIn, fanOut);
  const secondMoment = moments.secondMoment;
  const w = { mean: moments.mean, std: Math.sqrt(Math.max(0, secondMoment - moments.mean * moments.mean)), min: measured.min, max: measured.max };
  const scale = (secondMoment * fanIn) / (gain * gain);
  // Glorot's fan-average rule (no gain) is a legitimate choice too; only flag what neither explains.
  const glorotScale = secondMoment / (2 / (fanIn + fanOut));
  const recStd = recommendedStd(registry, act, kernel, fanIn, fanOut);
  const recLabel = initializerLabel(act?.recommendedInitializer);
  const actName = act === undefined ? 'linear' : unitName(act);
  const stats: Partial<LayerInitStats> = {
    activation: act?.id,
    kernelInitializer: layer.kernelInitializerId,
    fanIn,
    fanOut,
    weightMean: w.mean,
    weightStd: w.std,
    initScale: scale,
    recommendedStd: recStd,
  };
  const findings: Finding[] = [];
  const evidence = {
    fanIn,
    weightMean: w.mean,
    weightStd: w.std,
    weightRms: Math.sqrt(secondMoment),
    secondMomentTimesFanIn: secondMoment * fanIn,
    targetGainSquared: gain * gain,
    scale,
    recommendedStd: recStd,
    recommendedInitializer: act?.recommendedInitializer ?? null,
    activation: act?.id ?? 'linear',
    kernelInitializer: layer.kernelInitializerId ?? null,
    momentsFrom: moments.from,
  };
  const initName = layer.kernelInitializerId !== undefined ? `the '${layer.kernelInitializerId}' initializer` : 'the initial weights';
  const uniformLimit = Math.sqrt(3) * recStd;
  if (scale > INIT_BAND && glorotScale > INIT_BAND) {
    const stdRatio = Math.sqrt(secondMoment) / recStd;
    findings.push(
      finding({
        code: 'init-too-large',
        severity: scale > INIT_BAND_ERROR ? 'error' : 'warning',
        source: 'lint',
        layer: layer.name,
        parameter: layer.kernelName,
        summary: `weights from ${initName} have rms ${fmt(Math.sqrt(secondMoment))} (mean ${fmt(w.mean)}, std ${fmt(w.std)}), ${times(stdRatio)} the ${recLabel} scale ${fmt(recStd)} a ${actName} layer with ${inputs(fanIn)} needs (E[w²]·fan-in = ${fmt(secondMoment * fanIn)} vs gain² = ${fmt(gain * gain)})`,
        cause: `each unit sums ${fanIn} weighted inputs, so weights ${times(stdRatio)} too large make pre-activations ~${times(stdRatio)} too large: ${
          isTwoSided(act)
            ? `${actName} units saturate (their gradient vanishes) and stop learning`
            : act === undefined || act.id === 'linear'
              ? 'the outputs start far too large, so the first loss and the first updates are huge'
              : `${actName} outputs and their gradients grow layer after layer, so the first updates are huge`
        }`,
        fix: `leave kernelInitializer out to get the default ${recLabel} initializer for ${actName} (std ${fmt(recStd)}), or scale the weights down, e.g. uniform(±${fmt(uniformLimit)})`,
        evidence,
      }),
    );
  } else if (scale < 1 / INIT_BAND && glorotScale < 1 / INIT_BAND) {
    const relu = isReluFamily(act);
    const shrink = Math.sqrt(1 / scale);
    findings.push(
      finding({
        code: relu ? 'init-too-small-for-relu' : 'init-too-small',
        severity: scale < 1 / INIT_BAND_ERROR ? 'error' : 'warning',
        source: 'lint',
        layer: layer.name,
        parameter: layer.kernelName,
        summary: `weights from ${initName} have std ${fmt(w.std)}, ${times(recStd / Math.max(Math.sqrt(secondMoment), 1e-30))} below the ${recLabel} std ${fmt(recStd)} a ${actName} layer with ${inputs(fanIn)} needs (E[w²]·fan-in = ${fmt(secondMoment * fanIn)} vs gain² = ${fmt(gain * gain)})`,
        cause: relu
          ? `a sigmoid-scale (×0.01) initialisation starves ReLU units: the signal shrinks about ${times(shrink)} through this layer, so deeper layers and the output see almost nothing, their gradients vanish, and the network learns only the biases (it predicts the class frequencies)`
          : `the signal shrinks about ${times(shrink)} through this layer, so later layers see almost nothing and gradients vanish`,
        fix: `leave kernelInitializer out to get the default ${recLabel} initializer for ${actName} (std ${fmt(recStd)})`,
        evidence,
      }),
    );
  }
  if (Math.abs(w.mean) > w.std && Math.abs(w.mean) > 0.1 * recStd && kernel.size > 1) {
    findings.push(
      finding({
        code: 'init-not-centered',
        severity: 'warning',
        source: 'lint',
        layer: layer.name,
        parameter: layer.kernelName,
        summary: `the weights are mostly of one sign: mean ${fmt(w.mean)} against std ${fmt(w.std)}${w.min >= 0 ? ' (all positive)' : w.max <= 0 ? ' (all negative)' : ''}`,
        cause: `with weights all of one sign every unit sums its inputs with similar weights: units start out nearly identical (no symmetry breaking) and pre-activations grow with fan-in × mean (${fanIn} × ${fmt(w.mean)})`,
        fix: `a zero-mean initializer: leave kernelInitializer out (${recLabel} for ${actName}), or e.g. uniform(±${fmt(uniformLimit)}) instead of uniform(0, 1)`,
        evidence,
      }),
    );
  }
  return { stats, findings };
}

// ------------------------------------------------------------------------------------------------
// the batch: inputs and targets
// ------------------------------------------------------------------------------------------------

function inputFindings(x: Tensor): Finding[] {
  const values = x.values;
  const s = valueStats(values);
  const batch = x.shape[0] ?? 1;
  const features = Math.max(1, Math.floor(values.length / Math.max(batch, 1)));
  const whole = allWhole(values);
  const evidence = { min: s.min, max: s.max, mean: s.mean, std: s.std, wholeNumbers: whole, features };
  const fix =
    'scale the features to about unit size: divide pixels by 255 (imageDataset does it unless normalize: false), or standardize each feature with fitStandardize + applyStandardize from @keel/data (fit on the training set only)';
  let summary: string | undefined;
  if (whole && s.max >= 2) {
    const kind = s.max <= 255 && s.max > 100 && s.min >= 0 ? 'raw 0–255 pixel values' : s.max <= 100 && s.min >= 0 ? 'raw 0–100 values' : 'raw integer values';
    summary = `the inputs are whole numbers from ${fmt(s.min)} to ${fmt(s.max)} (mean ${fmt(s.mean)}, std ${fmt(s.std)}): ${kind}, not normalised`;
  } else if (s.absMax > 10) {
    summary = `the inputs range from ${fmt(s.min)} to ${fmt(s.max)} (mean ${fmt(s.mean)}, std ${fmt(s.std)}): far from unit scale`;
  } else if (batch >= 2) {
    const { mean, std } = columnStats(values, features);
    let offCentre = 0;
    let varying = 0;
    for (let j = 0; j < features; j++) {
      if (std[j] === 0) continue;
      varying++;
      if (Math.abs(mean[j]) > 10 * std[j] && Math.abs(mean[j]) > 1) offCentre++;
    }
    if (varying > 0 && offCentre / varying > 0.5) {
      summary = `${offCentre} of ${varying} input features have |mean| ≫ std (each sits far from 0 and varies little around it)`;
    }
  }
  if (summary === undefined) return [];
  return [
    finding({
      code: 'inputs-not-normalized',
      severity: s.absMax >= 50 ? 'error' : 'warning',
      source: 'lint',
      summary,
      cause: `a unit's pre-activation is Σ w·x and its weight gradient is δ·x: with inputs up to ${fmt(s.absMax)} both are ~${times(Math.max(s.rms, 1))} what the initializer and a normal learning rate are made for, so activations saturate or explode and training diverges unless the learning rate is made tiny`,
      fix,
      evidence,
    }),
  ];
}

function targetFindings(y: Tensor, loss: LossContext): Finding[] {
  if (loss.resolved.expects !== 'real' || !(loss.resolved.targets === 'real' || loss.resolved.targets === undefined)) return [];
  const s = valueStats(y.values);
  if (!(s.std > 10 || Math.abs(s.mean) > 10)) return [];
  return [
    finding({
      code: 'targets-not-normalized',
      severity: 'warning',
      source: 'lint',
      summary: `the regression targets range from ${fmt(s.min)} to ${fmt(s.max)} (mean ${fmt(s.mean)}, std ${fmt(s.std)})`,
      cause: `the loss gradient is proportional to (prediction − target): with targets of size ${fmt(s.absMax)} the first gradients are ~${times(Math.max(Math.abs(s.mean), s.std))} larger than for unit-scale targets, which forces a tiny learning rate for every other weight`,
      fix: 'standardize the targets (y′ = (y − mean)/std, or y / 100 here) and undo it on the predictions',
      evidence: { min: s.min, max: s.max, mean: s.mean, std: s.std },
    }),
  ];
}

// ------------------------------------------------------------------------------------------------
// the first loss
// ------------------------------------------------------------------------------------------------

function lossValue(fn: ResolvedLoss['fn'], model: Module, x: Tensor, y: Tensor): number {
  const value = fn(model.apply(x), y);
  return value.size === 1 ? value.item() : NaN;
}

function firstLossFindings(
  loss: LossContext,
  model: Module,
  x: Tensor,
  y: Tensor,
  output: Tensor,
  optimizer: OptimizerInfo,
  trainingBatch: number,
  registry: Registry,
): { findings: Finding[]; initialLoss?: number; expected?: number; scaling?: number } {
  const findings: Finding[] = [];
  let initialLoss: number | undefined;
  try {
    initialLoss = loss.resolved.fn(output, y).item();
  } catch {
    return { findings };
  }
  // Two copies of one example against one: a mean-reduced loss gives the same value, a summed one twice it.
  let scaling: number | undefined;
  try {
    const x1 = slice(x, [0], [1]);
    const y1 = slice(y, [0], [1]);
    const one = lossValue(loss.resolved.fn, model, x1, y1);
    const two = lossValue(loss.resolved.fn, model, concat([x1, x1], 0), concat([y1, y1], 0));
    if (Math.abs(one) > 1e-12 && Number.isFinite(one) && Number.isFinite(two)) scaling = two / one;
  } catch {
    scaling = undefined;
  }
  const summed = loss.reduction === 'sum' || (scaling !== undefined && Math.abs(scaling - 2) < 0.2);
  const batch = x.shape[0];
  if (summed) {
    const n = trainingBatch;
    const lr = optimizer.lr;
    const suggestedLr = lr !== undefined ? roundLr(lr / n) : undefined;
    findings.push(
      finding({
        code: 'loss-summed-not-averaged',
        severity: n >= 16 ? 'error' : 'warning',
        source: 'lint',
        summary: `${loss.name} is summed over the batch, not averaged (${[loss.reduction === 'sum' ? "reduction: 'sum'" : undefined, scaling !== undefined ? `two copies of one example give ${fmt(scaling)}× the loss of one` : undefined].filter((s) => s !== undefined).join('; ')})`,
        cause: `a summed loss and its gradient grow with the batch: with batches of ${n} every step is ${n}× larger than the learning rate says${lr !== undefined ? ` (lr ${fmt(lr)} acts like ${fmt(lr * n)})` : ''}; a normal learning rate then throws the weights to huge values within a few updates (and on to inf/NaN), and one small enough to survive crawls`,
        fix: `average over the batch: drop reduction: 'sum' (Keel's losses take the mean by default)${suggestedLr !== undefined ? `, or divide the learning rate by the batch size (lr ${fmt(suggestedLr)})` : ''}`,
        evidence: { reduction: loss.reduction ?? null, batchScaling: scaling ?? null, batchSize: n, lr: lr ?? null, effectiveLr: lr !== undefined ? lr * n : null },
      }),
    );
  }
  let expected: number | undefined;
  const spec = loss.resolved.id !== undefined && registry.has('loss', loss.resolved.id) ? registry.resolve('loss', loss.resolved.id) : undefined;
  if (spec?.expectedInitialLoss !== undefined) {
    const classes = loss.resolved.targets === 'binary' ? 2 : output.shape[output.rank - 1];
    expected = spec.expectedInitialLoss(classes);
    const perExample = summed ? initialLoss / batch : initialLoss;
    if (Number.isFinite(perExample) && Number.isFinite(expected) && perExample > Math.max(3 * expected, expected + 2)) {
      const logits = valueStats(output.values);
      findings.push(
        finding({
          code: 'initial-loss-too-high',
          severity: 'warning',
          source: 'lint',
          summary: `the first loss is ${fmt(perExample)} per example, ${times(perExample / expected)} the ${fmt(expected)} a freshly initialised ${loss.resolved.targets === 'binary' ? 'binary classifier' : `${output.shape[output.rank - 1]}-class classifier`} should start from (${loss.resolved.targets === 'binary' ? 'ln 2' : 'ln K'})`,
          cause: `the initial outputs are large (rms ${fmt(logits.rms)}, up to ${fmt(logits.absMax)}), so the model starts out confidently wrong: weights too large or inputs not normalised`,
          fix: 'the default initializers and normalised inputs; the first loss should then be close to ln K',
          evidence: { initialLoss: perExample, expected, outputRms: logits.rms, outputAbsMax: logits.absMax },
        }),
      );
    }
  }
  return { findings, initialLoss, ...(expected !== undefined ? { expected } : {}), ...(scaling !== undefined ? { scaling } : {}) };
}

// ------------------------------------------------------------------------------------------------
// forward simulation: activation scale per layer
// ------------------------------------------------------------------------------------------------

function forwardFindings(layers: readonly LayerView[], stats: Map<string, Partial<LayerInitStats> & { preMean?: number }>, inputRms: number, isOutput: (l: LayerView) => boolean): Finding[] {
  const findings: Finding[] = [];
  for (const layer of layers) {
    const s = stats.get(layer.name);
    if (s === undefined) continue;
    const act = layer.activation;
    if (s.deadFraction !== undefined && s.deadFraction >= 0.5) {
      findings.push(
        finding({
          code: 'dead-relu',
          severity: s.deadFraction >= 0.99 ? 'error' : 'warning',
          source: 'lint',
          layer: layer.name,
          summary: `${pct(s.deadFraction)} of the ${unitName(act)} units are inactive for every example of the first batch (mean pre-activation ${fmt(s.preMean ?? NaN)})`,
          cause: 'their inputs are negative for every example, so they output 0 and get no gradient: a negative bias, weights of one sign, or inputs that are not centred',
          fix: `zero biases and the default ${initializerLabel(act?.recommendedInitializer)} initializer; normalised inputs${isOutput(layer) ? "; no ReLU on the output layer (use 'linear')" : ''}`,
          evidence: { deadFraction: s.deadFraction, preActivationRms: s.preActivationRms ?? null },
        }),
      );
    }
    if (s.saturatedFraction !== undefined && s.saturatedFraction >= 0.5) {
      findings.push(
        finding({
          code: 'saturated-units',
          severity: s.saturatedFraction >= 0.9 ? 'error' : 'warning',
          source: 'lint',
          layer: layer.name,
          summary: `${pct(s.saturatedFraction)} of the ${unitName(act)} pre-activations on the first batch are beyond ±${fmt(act?.saturation.above ?? NaN)} (rms ${fmt(s.preActivationRms ?? NaN)}), where its gradient is under 1% of its peak`,
          cause: 'the weights or inputs are too large for a sigmoid-like unit: it sits on the flat part of its curve, outputs ~0 or ~1 for everything and passes back almost no gradient',
          fix: `the default ${initializerLabel(act?.recommendedInitializer)} initializer for ${act?.id ?? 'this activation'} and inputs scaled to about [0, 1]`,
          evidence: { saturatedFraction: s.saturatedFraction, preActivationRms: s.preActivationRms ?? null, threshold: act?.saturation.above ?? null },
        }),
      );
    }
  }
  // The signal through the stack of weighted layers.
  const weighted = layers.filter((l) => l.kernel !== undefined && !isOutput(l) && stats.get(l.name)?.outputRms !== undefined);
  if (weighted.length >= 2 && inputRms > 0) {
    const last = stats.get(weighted[weighted.length - 1].name)!;
    const overall = last.outputRms! / inputRms;
    const perLayer = overall ** (1 / weighted.length);
    const trail = weighted.map((l) => `${l.name} ${fmt(stats.get(l.name)!.outputRms!)}`).join(', ');
    if (overall < 1e-2 && perLayer < 0.3) {
      findings.push(
        finding({
          code: 'activations-vanishing',
          severity: 'warning',
          source: 'lint',
          summary: `on the first batch the activations shrink from rms ${fmt(inputRms)} at the input to ${fmt(last.outputRms!)} after ${weighted[weighted.length - 1].name} (about ${times(1 / perLayer)} smaller per layer: ${trail})`,
          cause: 'the weights are too small for the activations: each layer passes on a fraction of its input, so the output barely depends on the input and the gradients of the early layers vanish',
          fix: 'the default initializers (He for ReLU layers), which keep the activation scale roughly constant through the layers',
          evidence: { inputRms, lastHiddenRms: last.outputRms!, perLayerFactor: perLayer },
        }),
      );
    } else if (overall > 100 && perLayer > 3) {
      findings.push(
        finding({
          code: 'activations-exploding',
          severity: 'warning',
          source: 'lint',
          summary: `on the first batch the activations grow from rms ${fmt(inputRms)} at the input to ${fmt(last.outputRms!)} after ${weighted[weighted.length - 1].name} (about ${times(perLayer)} per layer: ${trail})`,
          cause: 'the weights are too large for the activations: each layer amplifies its input, so outputs and gradients are huge from the first step',
          fix: 'the default initializers, and inputs scaled to unit size',
          evidence: { inputRms, lastHiddenRms: last.outputRms!, perLayerFactor: perLayer },
        }),
      );
    }
  }
  return findings;
}

/**
 * Lints a training set-up before any training: the loss against the output layer and the targets,
 * each layer's initialisation against its activation (from the activation's metadata, so
 * third-party activations are covered), the scale of inputs and targets, a forward pass on the
 * batch (activation scale, dead and saturated units per layer), the first loss against its
 * expected value, and whether the loss is summed over the batch.
 */
export function lint(options: LintOptions): LintResult {
  const { model } = options;
  const registry = options.registry ?? (model as { registry?: Registry }).registry ?? defaultRegistry;
  installTrain(registry);
  const batch = options.batch ?? (options.data !== undefined ? firstBatch(options.data, options.batchSize ?? 64) : undefined);
  if (batch === undefined) throw new TypeError('lint: pass a first batch ({ x, y }) or the data set');
  const { x, y } = batch;
  ensureBuilt(model, x);
  const loss = lossContext(registry, options.loss);
  const optimizerEntry = optimizerInfo(options.optimizer);
  const defaultLr =
    optimizerEntry.id !== undefined && registry.has('optimizer', optimizerEntry.id) ? registry.resolve('optimizer', optimizerEntry.id).defaultLearningRate : undefined;
  const optimizer = optimizerInfo(options.optimizer, defaultLr);
  const layers = layersOf(model);
  const out = outputLayer(layers);
  const findings: Finding[] = [];
  const stats = new Map<string, Partial<LayerInitStats> & { preMean?: number }>();

  for (const layer of layers) {
    const check = initCheck(layer, registry);
    stats.set(layer.name, { ...check.stats });
    findings.push(...check.findings);
  }

  const wasTraining = (model as { training?: boolean }).training !== false;
  model.eval();
  const capture = new ForwardCapture(layers).attach();
  let output: Tensor;
  try {
    output = noGrad(() => model.apply(x));
  } finally {
    capture.detach();
  }
  for (const layer of layers) {
    const c = capture.captures.get(layer.name);
    if (c === undefined) continue;
    const s = stats.get(layer.name)!;
    const activity = c.pre !== undefined ? unitActivity(c.pre, layer.activation) : undefined;
    stats.set(layer.name, {
      ...s,
      ...(c.input !== undefined ? { inputRms: rms(c.input) } : {}),
      ...(c.output !== undefined ? { outputRms: rms(c.output) } : {}),
      ...(activity !== undefined ? { preActivationRms: activity.preRms, preMean: activity.preMean } : {}),
      ...(activity !== undefined && Number.isFinite(activity.deadFraction) ? { deadFraction: activity.deadFraction } : {}),
      ...(activity !== undefined && Number.isFinite(activity.saturatedFraction) ? { saturatedFraction: activity.saturatedFraction } : {}),
    });
  }

  findings.push(...inputFindings(x));
  findings.push(...targetFindings(y, loss));
  const isOut = (l: LayerView): boolean => l === out;
  findings.push(...forwardFindings(layers, stats, rms(x), isOut));
  findings.push(...noGrad(() => lossFindings(loss, out, output, y, registry)));
  const first = noGrad(() => firstLossFindings(loss, model, x, y, output, optimizer, options.batchSize ?? x.shape[0], registry));
  findings.push(...first.findings);
  const spread = outputSpread(output);
  if (x.shape[0] >= 4 && spread.spread <= 1e-6 * Math.max(1, spread.scale) && rms(x) > 0) {
    findings.push(
      finding({
        code: 'constant-predictions',
        severity: 'warning',
        source: 'lint',
        ...(out !== undefined ? { layer: out.name } : {}),
        summary: `the untrained model gives the same output (±${fmt(spread.spread)}) for every example of the first batch`,
        cause: 'no signal reaches the output: dead or saturated units, or weights that are far too small',
        fix: 'the default initializers and normalised inputs',
        evidence: { spread: spread.spread, scale: spread.scale },
      }),
    );
  }
  if (wasTraining) model.train();

  const layerStats: LayerInitStats[] = layers.map((layer) => {
    const { preMean: _preMean, ...s } = stats.get(layer.name) ?? {};
    return { name: layer.name, type: layer.type, ...s };
  });
  return {
    findings: sortFindings(mergeFindings(findings)),
    layers: layerStats,
    ...(first.initialLoss !== undefined ? { initialLoss: first.initialLoss } : {}),
    ...(first.expected !== undefined ? { expectedInitialLoss: first.expected } : {}),
    ...(first.scaling !== undefined ? { batchScaling: first.scaling } : {}),
  };
}
