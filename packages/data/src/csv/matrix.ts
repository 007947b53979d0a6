import { CsvFormatError } from './error.js';
import type { CsvTable } from './parse.js';

/** A row-major matrix of features, ready for `fitStandardize` or a tensor. */
export interface Matrix {
  readonly data: Float32Array;
  readonly shape: [rows: number, cols: number];
}

/** Packs numeric columns of a table into one row-major Float32Array, in the order given. */
export function csvMatrix(table: CsvTable, names: readonly string[] = table.names): Matrix {
  const cols = names.length;
  const data = new Float32Array(table.rowCount * cols);
  names.forEach((name, j) => {
    const column = table.columns[name];
    if (column === undefined) {
      throw new CsvFormatError('unknown-column', `column '${name}' is not in the table; it has ${table.names.join(', ')}`, { column: name });
    }
    if (column.type === 'string') {
      throw new CsvFormatError(
        'bad-value',
        `column '${name}' holds strings; a matrix needs number or integer columns (give it a type or leave it out)`,
        { column: name },
      );
    }
    for (let i = 0; i < table.rowCount; i++) data[i * cols + j] = column.values[i];
  });
  return { data, shape: [table.rowCount, cols] };
}
