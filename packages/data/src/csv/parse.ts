import { nearestId } from '@keel/registry';
import { describeValue, optionalBooleanArgument, optionalStringArgument, optionsArgument, stringArgument, stringsArgument } from '../arguments.js';
import { CsvFormatError, rowLabel } from './error.js';
import { csvRecords, type CsvRecord } from './records.js';
import { isIntegerText, parseInteger, parseNumber } from './values.js';

export type CsvType = 'number' | 'integer' | 'string';

const CSV_TYPES: readonly CsvType[] = ['number', 'integer', 'string'];

/** A parsed column; `type` narrows `values`. */
export type CsvColumn =
  | { readonly type: 'number'; readonly values: Float64Array }
  | { readonly type: 'integer'; readonly values: Int32Array }
  | { readonly type: 'string'; readonly values: string[] };

export interface CsvOptions {
  /** Whether the first row names the columns (default true). Without one, columns are named '0', '1', ... */
  readonly header?: boolean;
  /** The columns to keep, in this order (default: all). */
  readonly columns?: readonly string[];
  /** Column types. A column left out is 'number' when every value is a number, else 'string'. */
  readonly types?: Readonly<Record<string, CsvType>>;
  /** One character (default ','). */
  readonly delimiter?: string;
}

export interface CsvTable {
  /** The kept column names, in order. */
  readonly names: string[];
  readonly rowCount: number;
  /** By name; an object without a prototype, so a column named `__proto__` or `constructor` is a column like any other. */
  readonly columns: Record<string, CsvColumn>;
}

/**
 * Parses CSV text into typed columns. Errors name the row (counted like a spreadsheet:
 * the header is row 1) and the column, e.g. "row 4, column 'age': 'abc' is not a number".
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  stringArgument('parseCsv(text)', text, "a string (the CSV text; read a file with readFileSync(path, 'utf8'))");
  const { header = true, delimiter = ',', columns: wanted, types } = checkOptions(options);
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new CsvFormatError('bad-option', `delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
  }
  const records = csvRecords(text, delimiter);
  if (records.length === 0) throw new CsvFormatError('empty', 'the CSV text has no rows');
  const all = header ? headerNames(records[0]) : records[0].fields.map((_, i) => String(i));
  const rows = header ? records.slice(1) : records;
  const firstRow = header ? 2 : 1;
  rows.forEach((record, i) => {
    if (record.fields.length !== all.length) {
      const row = firstRow + i;
      throw new CsvFormatError(
        'column-count',
        `${rowLabel(row, record.line)} has ${record.fields.length} columns where ${all.length} were expected`,
        { row },
      );
    }
  });

  const names = wanted === undefined ? all : [...wanted];
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) throw new CsvFormatError('bad-option', `columns names '${name}' twice`, { column: name });
  });
  for (const name of [...names, ...types.keys()]) checkKnown(name, all);
  const columns: Record<string, CsvColumn> = Object.create(null) as Record<string, CsvColumn>;
  for (const name of names) {
    const index = all.indexOf(name);
    const raw = rows.map((record) => record.fields[index]);
    const type = types.get(name) ?? inferType(raw);
    columns[name] = convert(raw, type, name, rows, firstRow);
  }
  return { names, rowCount: rows.length, columns };
}

/** Checks the options' types; `types` becomes a Map, so `__proto__` or `constructor` can only be a column name. */
function checkOptions(options: CsvOptions): { header?: boolean; delimiter?: string; columns?: readonly string[]; types: Map<string, CsvType> } {
  const given = optionsArgument('parseCsv(text, options)', options);
  checkOptionNames(given);
  const header = optionalBooleanArgument('parseCsv option header', given.header);
  const delimiter = optionalStringArgument('parseCsv option delimiter', given.delimiter, 'a one-character string');
  const columns = given.columns === undefined ? undefined : stringsArgument('parseCsv option columns', given.columns);
  const types = new Map<string, CsvType>();
  if (given.types !== undefined) {
    if (typeof given.types !== 'object' || given.types === null || Array.isArray(given.types)) {
      throw new TypeError(`parseCsv option types must be an object of column name to type, got ${describeValue(given.types)}`);
    }
    for (const [name, type] of Object.entries(given.types)) types.set(name, checkType(name, type));
  }
  return { ...(header === undefined ? {} : { header }), ...(delimiter === undefined ? {} : { delimiter }), ...(columns === undefined ? {} : { columns }), types };
}

const CSV_OPTIONS = ['header', 'columns', 'types', 'delimiter'];

/** An unknown option is a typo until shown otherwise: `headers: false` ignored would eat the first row as a header. */
function checkOptionNames(given: object): void {
  for (const [key, value] of Object.entries(given)) {
    if (CSV_OPTIONS.includes(key) || value === undefined) continue;
    const near = nearestId(key, CSV_OPTIONS);
    const hint = near === undefined ? '' : ` did you mean '${near}'?`;
    throw new CsvFormatError('bad-option', `parseCsv has no option '${key}';${hint} options: ${CSV_OPTIONS.join(', ')}`);
  }
}

function checkType(column: string, type: unknown): CsvType {
  if (CSV_TYPES.includes(type as CsvType)) return type as CsvType;
  const near = typeof type === 'string' ? nearestId(type, CSV_TYPES) : undefined;
  const hint = near === undefined ? '' : `did you mean '${near}'? `;
  const shown = typeof type === 'string' ? `'${type}'` : describeValue(type);
  throw new CsvFormatError('bad-option', `types: column '${column}' has unknown type ${shown}; ${hint}types: ${CSV_TYPES.join(', ')}`, { column });
}

function headerNames(record: CsvRecord): string[] {
  const names = record.fields.map((name) => name.trim());
  names.forEach((name, i) => {
    if (name === '') throw new CsvFormatError('bad-header', `header column ${i + 1} has no name`, { row: 1 });
    const first = names.indexOf(name);
    if (first !== i) {
      throw new CsvFormatError('bad-header', `header names column '${name}' twice (columns ${first + 1} and ${i + 1})`, { row: 1, column: name });
    }
  });
  return names;
}

function checkKnown(name: string, all: readonly string[]): void {
  if (all.includes(name)) return;
  const near = nearestId(name, all);
  const hint = near === undefined ? '' : `; did you mean '${near}'?`;
  throw new CsvFormatError('unknown-column', `unknown column '${name}'${hint} columns: ${all.join(', ')}`, { column: name });
}

function inferType(raw: readonly string[]): CsvType {
  return raw.length > 0 && raw.every((value) => parseNumber(value) !== undefined) ? 'number' : 'string';
}

function convert(raw: readonly string[], type: CsvType, name: string, rows: readonly CsvRecord[], firstRow: number): CsvColumn {
  if (type === 'string') return { type, values: [...raw] };
  const parse = type === 'number' ? parseNumber : parseInteger;
  const values = type === 'number' ? new Float64Array(raw.length) : new Int32Array(raw.length);
  raw.forEach((text, i) => {
    const value = parse(text);
    const row = firstRow + i;
    const where = `${rowLabel(row, rows[i].line)}, column '${name}'`;
    if (value === undefined) {
      const what = type === 'number' ? 'a number' : isIntegerText(text) ? 'a 32-bit integer' : 'an integer';
      const empty = text.trim() === '' ? ' (the field is empty)' : '';
      throw new CsvFormatError('bad-value', `${where}: '${text}' is not ${what}${empty}`, { row, column: name });
    }
    if (!Number.isFinite(value)) {
      // decimal text such as 1e400 overflows a 64-bit float to Infinity; that is a broken value, not data
      throw new CsvFormatError('bad-value', `${where}: '${text.trim()}' is too large for a 64-bit number (it would be ${value})`, { row, column: name });
    }
    values[i] = value;
  });
  return type === 'number' ? { type, values: values as Float64Array } : { type, values: values as Int32Array };
}
