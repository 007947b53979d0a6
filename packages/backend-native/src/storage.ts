import { TensorError, type TypedArray } from '@keel/tensor';

/**
 * The handle of a 'native' tensor's storage: its array until the storage is disposed (then null,
 * so a late read says so instead of seeing another tensor's values). Views share the handle.
 */
export class NativeStorage {
  constructor(public values: TypedArray | null) {}
}

/** The storage's array; throws if it was disposed. */
export function storageValues(storage: NativeStorage): TypedArray {
  if (storage.values === null) {
    throw new TensorError('values', 'this tensor was disposed (its allocation scope closed, or Tensor.replace freed it); its values are gone');
  }
  return storage.values;
}
