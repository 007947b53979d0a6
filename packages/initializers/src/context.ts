import type { DType, Random } from '@keel/tensor';
import { fans, type InitContext } from './initializer.js';

/** The context for a weight of `shape`: its fans (see `fans`), the generator and the dtype. */
export function initContext(shape: readonly number[], random: Random, dtype?: DType): InitContext {
  return { ...fans(shape), random, ...(dtype === undefined ? {} : { dtype }) };
}
