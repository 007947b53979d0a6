import { describe, expect, it } from 'vitest';
import { CsvFormatError, parseCsv, type CsvOptions } from '../src/index.js';
import { thrown } from './helpers/idx-writer.js';

describe('parseCsv: option names', () => {
  it('refuses an unknown option with the nearest name instead of ignoring it (headers: false once ate the first row)', () => {
    const error = thrown(() => parseCsv('1,2\n3,4\n', { headers: false } as CsvOptions));
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as CsvFormatError).code).toBe('bad-option');
    expect(error.message).toBe("parseCsv has no option 'headers'; did you mean 'header'? options: header, columns, types, delimiter");
    expect(thrown(() => parseCsv('a\n1\n', { seperator: ';' } as CsvOptions)).message).toContain("parseCsv has no option 'seperator'");
  });

  it('still takes every documented option, and an option set to undefined counts as left out', () => {
    const table = parseCsv('1;x\n3;y\n', { header: false, delimiter: ';', columns: ['0'], types: { '0': 'integer' }, ...({ extra: undefined } as CsvOptions) });
    expect(table.names).toEqual(['0']);
    expect(table.columns['0']).toEqual({ type: 'integer', values: Int32Array.of(1, 3) });
  });
});
