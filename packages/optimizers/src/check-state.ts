import { formatShape, Tensor } from '@keel/tensor';
import type { OptState } from './types.js';

/** Optimizer state that does not have the structure its optimizer makes: `path` says where. */
export class OptStateError extends TypeError {
  /** Where in the state: 'state[0].trace'. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(message);
    this.name = 'OptStateError';
    this.path = path;
  }
}

function kindOf(value: unknown): string {
  if (value instanceof Tensor) return `a tensor ${formatShape(value.shape)}`;
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return (value).constructor === Object ? 'an object' : `a ${(value).constructor.name}`;
  return `a ${typeof value}`;
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}['${key}']`;
}

/**
 * Checks that `state` (restored from a file, say) has the structure of `reference`, the state the
 * optimizer's `init(params)` makes for the model: the same kinds of values, the same keys (one per
 * parameter where the optimizer keeps one), lists of the same length, tensors of the same shape
 * and dtype. Throws an `OptStateError` naming the first place that differs, before a step can fail
 * on it (or silently use it). Numbers, strings and booleans are not compared by value.
 */
export function checkState(state: unknown, reference: OptState, path = 'state'): void {
  const bad = (message: string): never => {
    throw new OptStateError(path, `${path} ${message}`);
  };
  if (reference instanceof Tensor) {
    if (!(state instanceof Tensor)) return bad(`is ${kindOf(state)}; expected a tensor ${formatShape(reference.shape)}`);
    if (state.dtype !== reference.dtype) bad(`is ${state.dtype}; expected ${reference.dtype}`);
    if (state.shape.length !== reference.shape.length || state.shape.some((d, i) => d !== reference.shape[i])) {
      bad(`has shape ${formatShape(state.shape)}; the model's parameter needs ${formatShape(reference.shape)}`);
    }
    return;
  }
  if (reference === null || typeof reference !== 'object') {
    if (typeof state !== typeof reference || (reference === null) !== (state === null)) bad(`is ${kindOf(state)}; expected ${kindOf(reference)}`);
    return;
  }
  if (Array.isArray(reference)) {
    if (!Array.isArray(state)) return bad(`is ${kindOf(state)}; expected a list of ${reference.length}`);
    if (state.length !== reference.length) bad(`has ${state.length} entries; expected ${reference.length}`);
    reference.forEach((item: OptState, i) => checkState((state as unknown[])[i], item, `${path}[${i}]`));
    return;
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state) || state instanceof Tensor || (state).constructor !== Object) {
    return bad(`is ${kindOf(state)}; expected an object with ${Object.keys(reference).map((k) => `'${k}'`).join(', ') || 'no entries'}`);
  }
  const record = reference as Readonly<Record<string, OptState>>;
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(state, key)) bad(`has no entry for ${key}`);
  }
  for (const key of Object.keys(state)) {
    if (!Object.hasOwn(record, key)) bad(`has an entry for ${key}, which this optimizer and model do not have`);
  }
  for (const key of Object.keys(record)) checkState((state as Record<string, unknown>)[key], record[key], childPath(path, key));
}
