// Tying a save's optimizer state to its weights: the weights file records a digest of the state
// saved with them (its skeleton and every tensor's bytes), so an optimizer file copied from another
// save, or edited (a step count in its metadata), is refused instead of resuming a different run.
import type { TypedArray } from '@keel/tensor';
import { ModelFileError } from './errors.js';
import { sha256Hex } from './sha256.js';

/** The weights-file metadata key holding the digest. */
export const STATE_DIGEST_KEY = 'keel.optimizerStateDigest';

/** A fast 64-bit checksum of the bytes (two multiplicative 32-bit hashes): detects changes, not attacks. */
function checksum(values: TypedArray): string {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.byteLength >>> 2);
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    a = Math.imul(a ^ words[i], 0x01000193);
    b = Math.imul(b + words[i], 0x85ebca6b) ^ (b >>> 13);
  }
  return `${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}:${words.length}`;
}

/** The digest of an optimizer file's content: its 'keel.state' skeleton and its tensors, by name. */
export function stateDigest(skeleton: string, tensors: ReadonlyMap<string, { readonly values: TypedArray }>): string {
  const parts = [...tensors].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([name, t]) => `${name}=${checksum(t.values)}`);
  return sha256Hex(`${skeleton}\n${parts.join('\n')}`);
}

/** Throws unless the optimizer file's content is the state saved with these weights (files saved without a digest pass). */
export function checkStateDigest(weightsMetadata: Readonly<Record<string, string>>, skeleton: string, tensors: ReadonlyMap<string, { readonly values: TypedArray }>, optimizerFile: string, weightsFile: string, where: string): void {
  const saved = weightsMetadata[STATE_DIGEST_KEY];
  if (saved === undefined || saved === stateDigest(skeleton, tensors)) return;
  throw new ModelFileError(
    `${optimizerFile} is not the optimizer state saved with ${weightsFile}: its contents differ from what was saved with these weights (edited, or copied from another save). Resuming with it would continue a different run; put back the optimizer file of this save, or start the optimizer state afresh`,
    where,
  );
}
