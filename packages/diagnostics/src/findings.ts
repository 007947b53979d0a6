import { jsonNumber, sentence } from './format.js';

/** How bad a finding is: `error` stops training from working, `warning` very likely hurts, `info` is worth knowing. */
export type Severity = 'error' | 'warning' | 'info';

/** Where a finding came from. */
export type FindingSource = 'lint' | 'monitor' | 'trace' | 'lr-finder';

/** What each finding code means, in one line: the catalogue the README and `keel doctor --codes` print. */
export const FINDING_CODES = {
  // --- before training: the model, the loss and a first batch -----------------------------------
  'mse-on-classification': 'A squared (or absolute) error on one-hot class targets: learns slowly once outputs saturate; use softmax cross-entropy on logits.',
  'probabilities-for-logits': 'A softmax or sigmoid output (or values that sum to 1) fed to a loss that applies softmax/sigmoid itself.',
  'logits-for-probabilities': 'Unbounded outputs fed to a loss that expects probabilities in [0, 1].',
  'class-index-out-of-range': 'A class index target outside 0..K-1 for an output of K units.',
  'loss-input-mismatch': 'Targets and predictions that do not fit the loss (shapes, one-hot vs index, target ranges, NaN in the data).',
  'output-range-mismatch': "Targets outside the range the output activation can produce (e.g. targets up to 101 after a sigmoid).",
  'relu-on-output': 'A ReLU on the output layer: once its input is negative for every example, it outputs a constant 0 and gets no gradient.',
  'init-too-large': "Weights whose second moment × fan-in is far above what the layer's activation needs (e.g. uniform(0, 1) or uniform(±0.5) on 784 inputs).",
  'init-too-small': "Weights whose second moment × fan-in is far below what the layer's activation needs: the signal shrinks layer after layer.",
  'init-too-small-for-relu': 'A sigmoid-scale (×0.01) initialisation before ReLU units: activations and gradients shrink ~10–100× per layer, only the biases learn.',
  'init-not-centered': 'Weights that are mostly of one sign (mean ≫ std, e.g. uniform(0, 1)): every unit starts out computing nearly the same thing.',
  'activations-vanishing': 'On a first batch the activations shrink through the layers to almost nothing.',
  'activations-exploding': 'On a first batch the pre-activations grow through the layers to huge values.',
  'inputs-not-normalized': 'Input features far from unit scale: raw 0–255 or 0–100 integers, max ≫ 1, or |mean| ≫ std.',
  'targets-not-normalized': 'Regression targets far from unit scale: gradients start huge and a learning rate that suits the weights does not suit the output.',
  'initial-loss-too-high': "The first loss is far above the loss's expected starting value (ln K for K-class cross-entropy): confidently wrong from step 0.",
  'loss-summed-not-averaged': 'The loss grows with the batch (summed, not averaged), so the gradient and the effective learning rate are batch-size times larger.',
  // --- during training ----------------------------------------------------------------------------
  'nan-produced': 'A NaN or ±Infinity appeared; the trace names the first op that produced it (layer, parameter, step, phase, input statistics).',
  'exploding-gradients': 'The gradient norm jumped far above its running median (or is not finite).',
  'vanishing-gradients': 'Early layers get gradients orders of magnitude smaller, relative to their weights, than later ones.',
  'lr-too-high': 'Updates are large relative to the weights (‖Δw‖/‖w‖ ≫ 1e-3), or the loss diverges: lower the learning rate.',
  'lr-too-low': 'Updates are tiny relative to the weights (‖Δw‖/‖w‖ ≪ 1e-3) and the loss barely moves: raise the learning rate.',
  'dead-relu': 'ReLU-family units that never activated over a window of steps: they get no gradient and never recover.',
  'saturated-units': 'Sigmoid/tanh-like units whose inputs sit in the flat part of the curve (from the activation metadata `saturation`): their gradient is ~0.',
  'loss-diverging': 'The smoothed loss is rising well above its best value.',
  'loss-stuck': 'The loss has barely moved from its starting value.',
  'constant-predictions': 'The network gives (nearly) the same output for every example: it has learned at most the bias.',
  'suspicious-bias-gradient': "A bias whose gradient is the same number in every entry: the signature of a bias gradient summed over the whole matrix instead of over the batch axis.",
} as const;

/** A stable finding code (see `FINDING_CODES` for what each means). */
export type FindingCode = keyof typeof FINDING_CODES;

/** Numbers (and short strings) behind a finding; non-finite numbers are stored as the strings 'NaN', 'Infinity'. */
export type Evidence = Readonly<Record<string, number | string | boolean | null>>;

/** One thing the doctor found, explained in plain words, with a fix. JSON-serialisable. */
export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly source: FindingSource;
  /** The layer it is about ('dense_1'), if any. */
  readonly layer?: string;
  /** The parameter it is about ('dense_1/kernel'), if any. */
  readonly parameter?: string;
  /** The optimizer step it was first seen at (0-based), for findings made during training. */
  readonly step?: number;
  /** What was observed, one or two sentences, without the layer prefix. */
  readonly summary: string;
  /** The likely cause, in plain words. */
  readonly cause: string;
  /** What to try. */
  readonly fix: string;
  readonly evidence: Evidence;
}

export interface FindingInput {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly source: FindingSource;
  readonly layer?: string;
  readonly parameter?: string;
  readonly step?: number;
  readonly summary: string;
  readonly cause: string;
  readonly fix: string;
  readonly evidence?: Readonly<Record<string, number | string | boolean | null | undefined>>;
}

/** Builds a finding, making its evidence JSON-safe (non-finite numbers become strings, undefined is dropped). */
export function finding(input: FindingInput): Finding {
  const evidence: Record<string, number | string | boolean | null> = {};
  for (const [key, value] of Object.entries(input.evidence ?? {})) {
    if (value === undefined) continue;
    evidence[key] = typeof value === 'number' ? jsonNumber(value) : value;
  }
  const result: Finding = {
    code: input.code,
    severity: input.severity,
    source: input.source,
    ...(input.layer !== undefined ? { layer: input.layer } : {}),
    ...(input.parameter !== undefined ? { parameter: input.parameter } : {}),
    ...(input.step !== undefined ? { step: input.step } : {}),
    summary: input.summary,
    cause: input.cause,
    fix: input.fix,
    evidence,
  };
  return result;
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then info; stable otherwise. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => [f, i] as const)
    .sort((a, b) => severityRank[a[0].severity] - severityRank[b[0].severity] || a[1] - b[1])
    .map(([f]) => f);
}

/**
 * A finding in plain words:
 * "Layer dense_1: 71% of ReLU units never activated since step 140. Likely cause: ... Try: ..."
 */
export function explain(f: Finding): string {
  const where = f.layer !== undefined ? `Layer ${f.layer}: ` : f.parameter !== undefined ? `${f.parameter}: ` : '';
  return `${where}${sentence(f.summary)} Likely cause: ${sentence(f.cause)} Try: ${sentence(f.fix)}`;
}

/** Keeps one finding per (code, layer, parameter): the first seen, with a more severe one replacing it. */
export function mergeFindings(findings: readonly Finding[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.code}|${f.layer ?? ''}|${f.parameter ?? ''}`;
    const existing = byKey.get(key);
    if (existing === undefined || severityRank[f.severity] < severityRank[existing.severity]) byKey.set(key, f);
  }
  return [...byKey.values()];
}
