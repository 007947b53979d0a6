export type DataSourceErrorCode =
  | 'missing-directory'
  | 'missing-file'
  | 'fetch-failed'
  | 'bad-shape'
  | 'count-mismatch'
  | 'label-range'
  | 'sparse-classes'
  | 'duplicate-file'
  | 'not-a-file';

/** A data set that cannot be assembled from its files: something missing, or files that disagree. */
export class DataSourceError extends Error {
  readonly code: DataSourceErrorCode;

  constructor(code: DataSourceErrorCode, message: string) {
    super(message);
    this.name = 'DataSourceError';
    this.code = code;
  }
}

/**
 * A label outside the class count a set is read with, its parts kept apart so a caller can say
 * whose count it is ("the model's 4 classes") without rewording the message.
 */
export class LabelRangeError extends DataSourceError {
  readonly split: string;
  readonly index: number;
  readonly file: string;
  readonly label: number;
  readonly classes: number;

  constructor(where: { split: string; index: number; file: string; label: number; classes: number }, whose = 'the declared') {
    super('label-range', labelRangeMessage(where, whose));
    this.name = 'LabelRangeError';
    this.split = where.split;
    this.index = where.index;
    this.file = where.file;
    this.label = where.label;
    this.classes = where.classes;
  }
}

/** "test label at index 5 (file) is 7, outside <whose> 4 classes (0..3)". */
export function labelRangeMessage(where: { split: string; index: number; file: string; label: number; classes: number }, whose: string): string {
  return `${where.split} label at index ${where.index} (${where.file}) is ${where.label}, outside ${whose} ${where.classes} classes (0..${where.classes - 1})`;
}
