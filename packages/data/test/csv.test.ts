import { describe, expect, it } from 'vitest';
import { CsvFormatError, csvMatrix, parseCsv, type CsvOptions } from '../src/index.js';
import { thrown } from './helpers/idx-writer.js';

const people = 'name,age,city\nAda,36,London\nAlan,41,Wilmslow\nGrace,85,Arlington\n';

function csvError(text: string, options?: CsvOptions): CsvFormatError {
  const error = thrown(() => parseCsv(text, options));
  expect(error).toBeInstanceOf(CsvFormatError);
  return error as CsvFormatError;
}

describe('parseCsv', () => {
  it('reads a header and infers number and string columns', () => {
    const table = parseCsv(people);
    expect(table.names).toEqual(['name', 'age', 'city']);
    expect(table.rowCount).toBe(3);
    expect(table.columns.name).toEqual({ type: 'string', values: ['Ada', 'Alan', 'Grace'] });
    expect(table.columns.age.type).toBe('number');
    expect([...table.columns.age.values]).toEqual([36, 41, 85]);
  });

  it('keeps selected columns in the order asked, with declared types', () => {
    const table = parseCsv(people, { columns: ['city', 'age'], types: { age: 'integer' } });
    expect(table.names).toEqual(['city', 'age']);
    expect(Object.keys(table.columns)).toEqual(['city', 'age']);
    expect(table.columns.age.values).toBeInstanceOf(Int32Array);
    expect([...table.columns.age.values]).toEqual([36, 41, 85]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks', () => {
    const text = 'id,quote\r\n1,"Hello, world"\r\n2,"She said ""hi"""\r\n3,"two\nlines"\r\n4,""\r\n';
    const table = parseCsv(text, { types: { id: 'integer' } });
    expect(table.columns.quote.values).toEqual(['Hello, world', 'She said "hi"', 'two\nlines', '']);
    expect([...table.columns.id.values]).toEqual([1, 2, 3, 4]);
  });

  it('parses decimal notation and trims spaces around numbers', () => {
    const table = parseCsv('x\n -1.5 \n.25\n3e2\n+7\n-0.125E-1\n');
    expect([...table.columns.x.values]).toEqual([-1.5, 0.25, 300, 7, -0.0125]);
  });

  it('treats hex, Infinity and blanks as strings when inferring', () => {
    expect(parseCsv('x\n0x10\n1\n').columns.x.type).toBe('string');
    expect(parseCsv('x\nInfinity\n1\n').columns.x.type).toBe('string');
  });

  it('skips blank lines and a byte-order mark, and needs no final newline', () => {
    const table = parseCsv('\uFEFFa,b\n\n1,2\n\n3,4');
    expect(table.names).toEqual(['a', 'b']);
    expect(Array.from(csvMatrix(table).data)).toEqual([1, 2, 3, 4]);
    expect(table.rowCount).toBe(2);
  });

  it('splits on another delimiter when told', () => {
    const table = parseCsv('a\tb\n1\t2\n', { delimiter: '\t' });
    expect([...table.columns.b.values]).toEqual([2]);
    expect(parseCsv('a;b\n1;2\n', { delimiter: ';' }).names).toEqual(['a', 'b']);
  });

  it('names columns by position without a header', () => {
    const table = parseCsv('5.1,3.5,setosa\n4.9,3.0,setosa\n', { header: false, columns: ['0', '2'] });
    expect(table.names).toEqual(['0', '2']);
    expect(table.rowCount).toBe(2);
    expect([...table.columns['0'].values]).toEqual([5.1, 4.9]);
    expect(table.columns['2'].values).toEqual(['setosa', 'setosa']);
  });
});

describe('parseCsv errors', () => {
  it('names the row whose column count is wrong', () => {
    const header = 'a,b,c,d,e,f';
    const good = Array.from({ length: 15 }, (_, i) => `${i},1,2,3,4,5`);
    const error = csvError([header, ...good, '1,2,3,4,5', '1,2,3,4,5,6'].join('\n'));
    expect(error.code).toBe('column-count');
    expect(error.row).toBe(17);
    expect(error.message).toBe('row 17 has 5 columns where 6 were expected');
  });

  it('gives the line too when it differs from the row number', () => {
    const error = csvError('a,b\n"x\ny",1\n1,2,3\n');
    expect(error.message).toBe('row 3 (line 4) has 3 columns where 2 were expected');
  });

  it('names row, column and value that are not a number', () => {
    const text = 'name,age\nAda,36\nAlan,41\nBob,abc\n';
    const error = csvError(text, { types: { age: 'number' } });
    expect(error.code).toBe('bad-value');
    expect({ row: error.row, column: error.column }).toEqual({ row: 4, column: 'age' });
    expect(error.message).toBe("row 4, column 'age': 'abc' is not a number");
  });

  it('says when a number field is empty', () => {
    expect(csvError('a,b\n1,\n', { types: { b: 'number' } }).message).toBe("row 2, column 'b': '' is not a number (the field is empty)");
  });

  it('rejects non-integers and integers beyond 32 bits in integer columns', () => {
    expect(csvError('label\n3\n3.5\n', { types: { label: 'integer' } }).message).toBe("row 3, column 'label': '3.5' is not an integer");
    expect(csvError('label\n3000000000\n', { types: { label: 'integer' } }).message).toBe(
      "row 2, column 'label': '3000000000' is not a 32-bit integer",
    );
  });

  it('suggests the nearest column for an unknown selected column', () => {
    const error = csvError(people, { columns: ['name', 'agee'] });
    expect(error.code).toBe('unknown-column');
    expect(error.message).toBe("unknown column 'agee'; did you mean 'age'? columns: name, age, city");
  });

  it('checks the columns named in types as well, without a suggestion when nothing is close', () => {
    expect(csvError(people, { types: { salary: 'number' } }).message).toBe("unknown column 'salary' columns: name, age, city");
  });

  it('reports an unclosed quote with the line it opened on', () => {
    expect(csvError('a,b\n1,2\n3,"oops\n4,5\n').message).toBe('row 3: a quoted field opened on line 3 is never closed');
  });

  it('reports text after a closing quote', () => {
    expect(csvError('a,b\n"x"y,2\n').message).toBe(
      `row 2: unexpected 'y' after a closing quote on line 2; a quoted field must end at a delimiter or line end (write "" for a quote inside quotes)`,
    );
  });

  it('reports duplicate and empty header names', () => {
    expect(csvError('a,b,a\n1,2,3\n').message).toBe("header names column 'a' twice (columns 1 and 3)");
    expect(csvError('a,,c\n1,2,3\n').message).toBe('header column 2 has no name');
  });

  it('reports empty text and a bad delimiter', () => {
    expect(csvError('\n\n').message).toBe('the CSV text has no rows');
    expect(csvError('a,b', { delimiter: '""' }).message).toBe('delimiter must be one character other than a quote or line break, got "\\"\\""');
  });
});

describe('csvMatrix', () => {
  it('packs numeric columns row-major in the order given', () => {
    const table = parseCsv('x,y,label\n1,2,0\n3,4,1\n5,6,1\n', { types: { label: 'integer' } });
    const matrix = csvMatrix(table, ['y', 'x']);
    expect(matrix.shape).toEqual([3, 2]);
    expect(Array.from(matrix.data)).toEqual([2, 1, 4, 3, 6, 5]);
  });

  it('refuses string columns and unknown names', () => {
    const table = parseCsv(people);
    expect(thrown(() => csvMatrix(table)).message).toBe(
      "column 'name' holds strings; a matrix needs number or integer columns (give it a type or leave it out)",
    );
    expect(thrown(() => csvMatrix(table, ['height'])).message).toBe("column 'height' is not in the table; it has name, age, city");
  });
});

describe('parseCsv: values and names that once went through silently', () => {
  it('refuses numbers that overflow to ±Infinity, naming row and column; NaN text is not a number', () => {
    const big = csvError('a,b\n1,2\n3,1e400\n');
    expect(big.message).toBe("row 3, column 'b': '1e400' is too large for a 64-bit number (it would be Infinity)");
    expect({ code: big.code, row: big.row, column: big.column }).toEqual({ code: 'bad-value', row: 3, column: 'b' });
    expect(csvError('a\n-1e999\n', { types: { a: 'number' } }).message).toBe("row 2, column 'a': '-1e999' is too large for a 64-bit number (it would be -Infinity)");
    expect(csvError('a\n1\nNaN\n', { types: { a: 'number' } }).message).toBe("row 3, column 'a': 'NaN' is not a number");
  });

  it('refuses unknown column types, with the nearest valid one and the list', () => {
    const bigint = csvError('a\n1\n', { types: { a: 'bigint' as never } });
    expect(bigint.message).toBe("types: column 'a' has unknown type 'bigint'; types: number, integer, string");
    expect(bigint.code).toBe('bad-option');
    expect(csvError('a\n1\n', { types: { a: 'numbr' as never } }).message).toContain("did you mean 'number'?");
    expect(csvError('a\n1\n', { types: { a: 7 as never } }).message).toBe("types: column 'a' has unknown type the number 7; types: number, integer, string");
  });

  it('treats __proto__, constructor and hasOwnProperty headers as ordinary columns', () => {
    const table = parseCsv('__proto__,constructor,hasOwnProperty,x\n1,2,3,4\n5,6,7,8\n', { types: JSON.parse('{"__proto__": "integer", "constructor": "string"}') as CsvOptions['types'] });
    expect(table.names).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'x']);
    expect(Object.keys(table.columns)).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'x']);
    expect(table.columns.__proto__).toEqual({ type: 'integer', values: Int32Array.of(1, 5) });
    expect(table.columns.constructor).toEqual({ type: 'string', values: ['2', '6'] });
    expect(Object.getOwnPropertyDescriptor(table.columns, 'hasOwnProperty')?.value).toEqual({ type: 'number', values: Float64Array.of(3, 7) });
    expect(csvMatrix(table, ['__proto__', 'hasOwnProperty']).data).toEqual(Float32Array.of(1, 3, 5, 7));
  });

  it('does not find Object properties as columns of a table without them', () => {
    const table = parseCsv('a\n1\n');
    expect(table.columns.constructor).toBeUndefined();
    expect(thrown(() => csvMatrix(table, ['constructor'])).message).toBe("column 'constructor' is not in the table; it has a");
    expect(csvError('a\n1\n', { types: JSON.parse('{"__proto__": "number"}') as CsvOptions['types'] }).message).toBe("unknown column '__proto__' columns: a");
  });

  it('refuses a column asked for twice', () => {
    expect(csvError(people, { columns: ['age', 'age'] }).message).toBe("columns names 'age' twice");
  });

  it('refuses a value that fits a 64-bit number but not the float32 matrix', () => {
    const table = parseCsv('a,b\n1,2\n3,1e39\n');
    expect(thrown(() => csvMatrix(table)).message).toBe("column 'b', data row 2: 1e+39 is too large for a float32 matrix (at most ±3.4e38)");
  });

  it('says what to pass when the arguments have the wrong type', () => {
    const notText = thrown(() => parseCsv(12345 as never));
    expect(notText).toBeInstanceOf(TypeError);
    expect(notText.message).toBe("parseCsv(text) must be a string (the CSV text; read a file with readFileSync(path, 'utf8')), got the number 12345");
    expect(thrown(() => parseCsv('a\n1\n', 'x' as never)).message).toBe('parseCsv(text, options) must be an options object (or left out), got the string "x"');
    expect(thrown(() => parseCsv('a\n1\n', { header: 'yes' as never })).message).toBe('parseCsv option header must be true or false, got the string "yes"');
    expect(thrown(() => parseCsv('a\n1\n', { columns: 'a' as never })).message).toBe('parseCsv option columns must be an array of strings, got the string "a"');
    expect(thrown(() => parseCsv('a\n1\n', { delimiter: 9 as never })).message).toBe('parseCsv option delimiter must be a one-character string, got the number 9');
    expect(thrown(() => parseCsv('a\n1\n', { types: ['number'] as never })).message).toBe('parseCsv option types must be an object of column name to type, got an array');
    expect(thrown(() => csvMatrix('a,b' as never)).message).toBe('csvMatrix(table) must be a table from parseCsv, got the string "a,b"');
  });
});
