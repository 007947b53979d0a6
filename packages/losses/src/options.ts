import { declareOption, optionField, type OptionFields } from '@keel/registry';

// What each loss accepts by id, declared once with a one-line description and the default:
// `createLoss` rejects an option that is not here (`reducton: 'sum'`) before anything trains and
// fills in the defaults, and `keel plugins --describe` and `--loss id:key=value` read it.

const reduction = declareOption(
  optionField.choice(['mean', 'sum', 'none']),
  "how per-example losses become the loss: 'mean' over the batch, 'sum', or 'none' (one per example)",
  'mean',
);
const clampEps = declareOption(optionField.number((v) => v > 0 && v < 0.5, 'in (0, 0.5)'), 'predictions are clamped to [eps, 1 − eps] so log never sees 0', 1e-7);

/** The options of each of Keel's losses, by id. */
export const lossOptionFields = {
  meanSquaredError: { reduction },
  meanAbsoluteError: { reduction },
  huber: { reduction, delta: declareOption(optionField.number((v) => v > 0, '> 0'), 'where the loss turns from quadratic to linear (|p − t| > delta)', 1) },
  binaryCrossEntropy: { reduction, eps: clampEps },
  binaryCrossEntropyWithLogits: { reduction },
  softmaxCrossEntropy: { reduction },
  sparseSoftmaxCrossEntropy: { reduction },
  hinge: { reduction },
  klDivergence: { reduction, eps: clampEps },
} as const satisfies Record<string, OptionFields>;

