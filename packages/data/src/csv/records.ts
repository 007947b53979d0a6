import { CsvFormatError, rowLabel } from './error.js';

/** One record: its raw fields and the line it starts on (1-based). */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

/**
 * Splits CSV text into records (RFC 4180): fields in double quotes may hold delimiters, line
 * breaks and doubled quotes (`""`). Blank lines are skipped; `\n`, `\r\n` and a leading BOM are fine.
 */
export function csvRecords(text: string, delimiter: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false; // the current field was a quoted one that has just closed
  let line = 1;
  let start = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const endRecord = () => {
    const blank = fields.length === 0 && field === '' && !quoted;
    if (!blank) records.push({ fields: [...fields, field], line: start });
    fields = [];
    field = '';
    quoted = false;
  };

  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '' && !quoted) {
      const opened = line;
      i++;
      for (;;) {
        if (i >= text.length) {
          const row = rowLabel(records.length + 1, start);
          throw new CsvFormatError('bad-quote', `${row}: a quoted field opened on line ${opened} is never closed`, { row: records.length + 1 });
        }
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          i++;
        } else if (text[i] === '\n') {
          line++;
        }
        field += text[i];
        i++;
      }
      i++;
      quoted = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      quoted = false;
      i++;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      start = line;
    } else if (quoted) {
      const row = rowLabel(records.length + 1, start);
      throw new CsvFormatError(
        'bad-quote',
        `${row}: unexpected '${c}' after a closing quote on line ${line}; a quoted field must end at a delimiter or line end (write "" for a quote inside quotes)`,
        { row: records.length + 1 },
      );
    } else {
      field += c;
      i++;
    }
  }
  if (fields.length > 0 || field !== '' || quoted) endRecord();
  return records;
}
