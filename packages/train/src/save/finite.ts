// A saved model must hold finite numbers: a NaN or ±Infinity weight makes every prediction
// NaN (or silently wrong), and one in the optimizer state spreads into the weights on resume.
import { nonFiniteIn } from '../guard.js';
import { ModelFileError } from './errors.js';
import type { DecodedParts, FileLabel } from './model-file.js';
import type { DecodedTensor } from './safetensors.js';

/** Throws naming the file, the first tensor with a NaN or ±Infinity, its index and how many there are. */
export function rejectNonFinite(tensors: ReadonlyMap<string, DecodedTensor>, where: string): void {
  for (const [name, t] of tensors) {
    const found = nonFiniteIn(t.values);
    if (found === undefined) continue;
    throw new ModelFileError(
      `${name} has a non-finite value ${found.value} at index ${found.index} (of ${found.count} such values); the model was saved after training diverged or the file was damaged`,
      where,
    );
  }
}

/**
 * Every weight, and the optimizer state's tensors and typed arrays when they are loaded (model.json
 * names a state file and `withOptimizer` is true). Numbers in the state's JSON are not checked:
 * some are infinite by design (reduceOnPlateau's best before its first report).
 */
export function rejectNonFiniteParts(parts: DecodedParts, label: FileLabel, withOptimizer = true): void {
  rejectNonFinite(parts.weights.tensors, label(parts.document.weights));
  const stateFile = parts.document.optimizer?.state;
  if (withOptimizer && parts.optimizer !== undefined && typeof stateFile === 'string') rejectNonFinite(parts.optimizer.tensors, label(stateFile));
}
