import { Tensor } from '@keel/tensor';

// A copy of a tree of tensors and JSON values (parameters, gradients, an optimizer state), taken
// before a call, to tell afterwards whether the call changed any of it and say exactly where.
// Values are copied, not hashed: the message can then quote the element that changed.

/** What a tree held when it was copied. */
export type Snapshot =
  | { readonly kind: 'tensor'; readonly tensor: Tensor; readonly shape: readonly number[]; readonly values: Float64Array }
  | { readonly kind: 'array'; readonly value: readonly unknown[]; readonly items: readonly Snapshot[] }
  | { readonly kind: 'object'; readonly value: object; readonly entries: ReadonlyMap<string, Snapshot> }
  | { readonly kind: 'value'; readonly value: unknown };

/** Copies every tensor's values and every plain value of `tree`. */
export function snapshot(tree: unknown): Snapshot {
  if (tree instanceof Tensor) return { kind: 'tensor', tensor: tree, shape: [...tree.shape], values: Float64Array.from(tree.values) };
  if (Array.isArray(tree)) return { kind: 'array', value: tree, items: tree.map(snapshot) };
  if (typeof tree === 'object' && tree !== null) {
    return { kind: 'object', value: tree, entries: new Map(Object.entries(tree).map(([key, value]) => [key, snapshot(value)])) };
  }
  return { kind: 'value', value: tree };
}

/** `state.trace.w`, `grads['dense_1/kernel']`, `state[0].count`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function show(value: unknown): string {
  if (value instanceof Tensor) return `a tensor [${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function tensorChange(before: Extract<Snapshot, { kind: 'tensor' }>, now: Tensor, path: string): string | undefined {
  let values: ArrayLike<number>;
  try {
    values = now.values;
  } catch (error) {
    return `${path} can no longer be read (${error instanceof Error ? error.message : String(error)}): its storage was moved out or freed`;
  }
  if (now.shape.length !== before.shape.length || now.shape.some((n, i) => n !== before.shape[i])) {
    return `${path} changed shape from [${before.shape.join(', ')}] to [${now.shape.join(', ')}]`;
  }
  for (let i = 0; i < values.length; i++) {
    if (!Object.is(values[i], before.values[i])) return `${path} element ${i} was ${before.values[i]}, now ${values[i]}`;
  }
  return undefined;
}

/**
 * The first difference between what `before` copied and what `now` holds, as `path …`, or
 * undefined when nothing changed: values of a tensor, a tensor or value replaced by another, a
 * key added or removed.
 */
export function firstChange(before: Snapshot, now: unknown, path: string): string | undefined {
  switch (before.kind) {
    case 'tensor':
      if (now !== before.tensor) return `${path} was ${show(before.tensor)}, now ${now instanceof Tensor ? 'another tensor' : show(now)}`;
      return tensorChange(before, before.tensor, path);
    case 'array': {
      if (!Array.isArray(now)) return `${path} was an array, now ${show(now)}`;
      if (now !== before.value) return `${path} was replaced by another array`;
      if (now.length !== before.items.length) return `${path} had ${before.items.length} items, now ${now.length}`;
      for (let i = 0; i < now.length; i++) {
        const change = firstChange(before.items[i], now[i], childPath(path, i));
        if (change !== undefined) return change;
      }
      return undefined;
    }
    case 'object': {
      if (typeof now !== 'object' || now === null || Array.isArray(now) || now instanceof Tensor) return `${path} was an object, now ${show(now)}`;
      if (now !== before.value) return `${path} was replaced by another object`;
      const current = now as Record<string, unknown>;
      for (const [key, entry] of before.entries) {
        if (!Object.hasOwn(current, key)) return `${childPath(path, key)} was removed`;
        const change = firstChange(entry, current[key], childPath(path, key));
        if (change !== undefined) return change;
      }
      const added = Object.keys(current).find((key) => !before.entries.has(key));
      return added === undefined ? undefined : `${childPath(path, added)} was added`;
    }
    case 'value':
      return Object.is(before.value, now) ? undefined : `${path} was ${show(before.value)}, now ${show(now)}`;
  }
}
