import { describeValue, stringsArgument } from '../arguments.js';
import { CsvFormatError } from './error.js';
import type { CsvColumn, CsvTable } from './parse.js';

/** A row-major matrix of features, ready for `fitStandardize` or a tensor. */
export interface Matrix {
  readonly data: Float32Array;
  readonly shape: [rows: number, cols: number];
}

/** Packs numeric columns of a table into one row-major Float32Array, in the order given. */
export function csvMatrix(table: CsvTable, names?: readonly string[]): Matrix {
  if (typeof table !== 'object' || table === null || !Array.isArray(table.names) || typeof table.columns !== 'object') {
    throw new TypeError(`csvMatrix(table) must be a table from parseCsv, got ${describeValue(table)}`);
  }
  const wanted = names === undefined ? table.names : stringsArgument('csvMatrix(table, names)', names);
  const cols = wanted.length;
  const data = new Float32Array(table.rowCount * cols);
  wanted.forEach((name, j) => {
    // own properties only: 'constructor' or '__proto__' must not find Object's
    const column: CsvColumn | undefined = Object.hasOwn(table.columns, name) ? table.columns[name] : undefined;
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
    for (let i = 0; i < table.rowCount; i++) {
      const value = column.values[i];
      data[i * cols + j] = value;
      if (!Number.isFinite(data[i * cols + j])) {
        // 1e39 is a fine 64-bit number but Infinity as float32
        throw new CsvFormatError('bad-value', `column '${name}', data row ${i + 1}: ${value} is too large for a float32 matrix (at most ±3.4e38)`, { column: name });
      }
    }
  });
  return { data, shape: [table.rowCount, cols] };
}
