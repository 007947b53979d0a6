export type IdxErrorCode = 'bad-magic' | 'unknown-type' | 'bad-dims' | 'truncated' | 'trailing-bytes' | 'bad-gzip';

/** Malformed IDX input. `code` is stable; the message says what is wrong, where, and in which file. */
export class IdxFormatError extends Error {
  readonly code: IdxErrorCode;
  /** The file name or URL, when the caller gave one. */
  readonly source: string | undefined;

  constructor(code: IdxErrorCode, message: string, source?: string) {
    super(source === undefined ? message : `${source}: ${message}`);
    this.name = 'IdxFormatError';
    this.code = code;
    this.source = source;
  }
}
