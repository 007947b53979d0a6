import { describeValue } from '../arguments.js';

/** The two halves of an IDX classification set; MNIST's file prefixes are `train` and `t10k`. */
export type SplitName = 'train' | 'test';
export type SplitPart = 'images' | 'labels';

export const SPLIT_NAMES: readonly SplitName[] = ['train', 'test'];

const PREFIX: Record<SplitName, string> = { train: 'train', test: 't10k' };

/**
 * The file names a split's images or labels may have, most usual first: the official
 * `train-images-idx3-ubyte`, the dotted `train-images.idx3-ubyte` some mirrors use, each plain or `.gz`.
 */
export function idxFileNames(split: SplitName, part: SplitPart, preferGzip = false): string[] {
  if (!SPLIT_NAMES.includes(split)) throw new TypeError(`idxFileNames(split) must be 'train' or 'test', got ${describeValue(split)}`);
  if (part !== 'images' && part !== 'labels') throw new TypeError(`idxFileNames(split, part) must be 'images' or 'labels', got ${describeValue(part)}`);
  const idx = part === 'images' ? 'idx3' : 'idx1';
  const stem = `${PREFIX[split]}-${part}`;
  return [`${stem}-${idx}-ubyte`, `${stem}.${idx}-ubyte`].flatMap((name) =>
    preferGzip ? [`${name}.gz`, name] : [name, `${name}.gz`],
  );
}

/** `split` option to a list of splits (both when it is left out). */
export function splitsOf<S extends SplitName>(split: S | readonly S[] | undefined): S[] {
  if (split === undefined) return ['train', 'test'] as S[];
  const list: S[] = typeof split === 'string' ? [split] : [...split];
  for (const name of list) {
    if (!SPLIT_NAMES.includes(name)) throw new RangeError(`unknown split '${String(name)}'; use 'train' or 'test'`);
  }
  return [...new Set(list)];
}
