import type { TypedArray } from '@keel/tensor';

/**
 * The handle of a 'native' tensor's storage: its array until the storage is disposed (then null,
 * so a late read says so instead of seeing another tensor's values). Views share the handle.
 */
export class NativeStorage {
  constructor(public values: TypedArray | null) {}
}
