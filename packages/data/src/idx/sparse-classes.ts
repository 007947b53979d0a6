import { DataSourceError } from '../errors.js';
import type { SplitName } from './file-names.js';

/** The labels of one split, with the file they came from. */
export interface LabelFile {
  readonly split: SplitName;
  readonly name: string;
  readonly labels: Uint8Array;
}

/**
 * A class is implausibly rare when it has fewer than this fraction of an even share of the examples
 * (a single stray label 10 among 70,000 MNIST digits), so an inferred class count is not trusted.
 */
export const RARE_CLASS_FRACTION = 0.01;

/**
 * Inferring the class count as the largest label + 1 turns one corrupt label (12, or 255) into a
 * 13- (or 256-) class model. Thrown when the inferred classes have gaps (classes no example has) or a
 * class so rare it looks like a stray label; `finding` says what and where, the message adds what to do.
 */
export class SparseClassesError extends DataSourceError {
  /** The split, file and example index of the suspicious label, and the label. */
  readonly split: SplitName;
  readonly file: string;
  readonly index: number;
  readonly label: number;
  /** Examples per class 0..max label, over all the splits loaded. */
  readonly counts: readonly number[];
  /** The class count below the suspicious labels, when they are all at the top. */
  readonly suggestedClasses: number | undefined;
  /** What was found, without the advice (for callers that give their own, such as a CLI naming its flags). */
  readonly finding: string;

  constructor(at: LabelAt, counts: readonly number[], suggestedClasses: number | undefined, finding: string) {
    const classes = suggestedClasses === undefined ? 'classes: <the number of classes>' : `classes: ${suggestedClasses}`;
    super('sparse-classes', `${finding}. Pass \`${classes}\` (labels outside it are then errors), or \`allowSparseClasses: true\` if these classes are real`);
    this.split = at.split;
    this.file = at.file;
    this.index = at.index;
    this.label = at.label;
    this.counts = counts;
    this.suggestedClasses = suggestedClasses;
    this.finding = finding;
  }
}

interface LabelAt {
  readonly split: SplitName;
  readonly file: string;
  readonly index: number;
  readonly label: number;
}

/** Examples per label 0..max over all files. */
export function classCounts(files: readonly LabelFile[]): number[] {
  const counts: number[] = [];
  for (const { labels } of files) {
    for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  }
  return Array.from(counts, (count) => count ?? 0);
}

/** Throws a SparseClassesError when the class count inferred from `files` looks like the work of a stray label. */
export function checkInferredClasses(files: readonly LabelFile[]): void {
  const counts = classCounts(files);
  const total = counts.reduce((a, b) => a + b, 0);
  const missing = counts.flatMap((count, label) => (count === 0 ? [label] : []));
  // A single example is a stray however small the set; a class the training split never shows cannot be learned.
  const rareBelow = Math.max(2, (RARE_CLASS_FRACTION * total) / counts.length);
  const train = files.some((f) => f.split === 'train') ? classCounts(files.filter((f) => f.split === 'train')) : undefined;
  const untrained = train === undefined ? [] : counts.flatMap((count, label) => (count > 0 && (train[label] ?? 0) === 0 ? [label] : []));
  const rare = counts.flatMap((count, label) => (count > 0 && count < rareBelow && !untrained.includes(label) ? [label] : []));
  if (missing.length === 0 && rare.length === 0 && untrained.length === 0) return;
  const suspect = (label: number): boolean => missing.includes(label) || rare.includes(label) || untrained.includes(label);
  // the label to point at: the least frequent one above the first gap, or a rare one
  const candidates = counts.flatMap((count, label) => (count > 0 && ((missing.length > 0 && label > missing[0]) || rare.includes(label) || untrained.includes(label)) ? [label] : []));
  const label = candidates.reduce((best, l) => (counts[l] < counts[best] || (counts[l] === counts[best] && l > best) ? l : best), candidates[0]);
  const at = firstExample(files, label);
  // a class count to suggest: the first missing or rare class above which there are only a few stray examples
  let tail = total;
  const suggested = counts.findIndex((count, k) => {
    const strays = tail <= RARE_CLASS_FRACTION * total;
    tail -= count;
    return k > 0 && suspect(k) && strays;
  });
  const problems = [
    ...(missing.length === 0 ? [] : [`${ranges(missing)} never occur${missing.length === 1 ? 's' : ''}`]),
    // with a gap, the labels above it are the strays already named
    ...(rare.length === 0 || missing.length > 0 ? [] : [`${rare.map((l) => `${l} (${counts[l]} example${counts[l] === 1 ? '' : 's'})`).join(', ')} ${rare.length === 1 ? 'has' : 'have'} under ${rareBelow <= 2 ? '2 examples' : `${RARE_CLASS_FRACTION * 100}% of an even share`}`]),
    ...(untrained.length === 0 ? [] : [`${ranges(untrained)} occur${untrained.length === 1 ? 's' : ''} only outside the training split (never trained)`]),
  ];
  const seen = countsBySplit(files, counts);
  throw new SparseClassesError(
    at,
    counts,
    suggested < 0 ? undefined : suggested,
    `${at.split} label at index ${at.index} (${at.file}) is ${label}: the largest label, ${counts.length - 1}, would make ${counts.length} classes, ` +
      `but ${problems.join(' and ')} (${seen})`,
  );
}

/**
 * The labels seen with their counts, split by split ('labels seen, with counts in train + test: 0: 20 + 2'),
 * so a count is never read as one split's when it adds up several.
 */
function countsBySplit(files: readonly LabelFile[], counts: readonly number[]): string {
  const splits = [...new Set(files.map((f) => f.split))];
  const perSplit = splits.map((split) => classCounts(files.filter((f) => f.split === split)));
  const seen = counts.flatMap((count, l) => (count > 0 ? [`${l}: ${perSplit.map((c) => c[l] ?? 0).join(' + ')}`] : [])).join(', ');
  return `labels seen, with counts in ${splits.join(' + ')}: ${seen}`;
}

function firstExample(files: readonly LabelFile[], label: number): LabelAt {
  for (const { split, name, labels } of files) {
    const index = labels.indexOf(label);
    if (index >= 0) return { split, file: name, index, label };
  }
  throw new Error(`label ${label} was counted but not found`);
}

/** [10, 11, 14] -> 'classes 10..11, 14'. */
function ranges(labels: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < labels.length; i++) {
    let j = i;
    while (j + 1 < labels.length && labels[j + 1] === labels[j] + 1) j++;
    parts.push(i === j ? `${labels[i]}` : `${labels[i]}..${labels[j]}`);
    i = j;
  }
  return `class${labels.length === 1 ? '' : 'es'} ${parts.join(', ')}`;
}
