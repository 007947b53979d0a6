import { optionField, type OptionFields } from '@keel/registry';

// What each loss accepts by id, declared once: `createLoss` rejects an option that is not here
// (`reducton: 'sum'`) before anything trains. The factories read the values.

const reduction = optionField.choice(['mean', 'sum', 'none']);
const clampEps = optionField.number((v) => v > 0 && v < 0.5, 'in (0, 0.5)');

/** The options of each of Keel's losses, by id. */
export const lossOptionFields = {
  meanSquaredError: { reduction },
  meanAbsoluteError: { reduction },
  huber: { reduction, delta: optionField.number((v) => v > 0, '> 0') },
  binaryCrossEntropy: { reduction, eps: clampEps },
  binaryCrossEntropyWithLogits: { reduction },
  softmaxCrossEntropy: { reduction },
  sparseSoftmaxCrossEntropy: { reduction },
  hinge: { reduction },
  klDivergence: { reduction, eps: clampEps },
} as const satisfies Record<string, OptionFields>;
