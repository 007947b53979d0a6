export type CsvErrorCode = 'empty' | 'bad-header' | 'column-count' | 'bad-value' | 'unknown-column' | 'bad-quote' | 'bad-option';

/** Malformed CSV or options that do not fit it; the message names the row and column. */
export class CsvFormatError extends Error {
  readonly code: CsvErrorCode;
  /** The row as a spreadsheet shows it (the header is row 1), when the error is about one row. */
  readonly row: number | undefined;
  readonly column: string | undefined;

  constructor(code: CsvErrorCode, message: string, where: { row?: number; column?: string } = {}) {
    super(message);
    this.name = 'CsvFormatError';
    this.code = code;
    this.row = where.row;
    this.column = where.column;
  }
}

/** `row 17` or, when quoted line breaks or blank lines shifted things, `row 17 (line 19)`. */
export function rowLabel(row: number, line: number): string {
  return row === line ? `row ${row}` : `row ${row} (line ${line})`;
}
