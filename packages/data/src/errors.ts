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
