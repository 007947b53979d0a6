import { describe, expect, it } from 'vitest';
import { IdxFormatError, MAX_IDX_DATA_BYTES, parseIdx, type IdxDtype } from '../src/index.js';
import { thrown, writeIdx } from './helpers/idx-writer.js';

const samples: Record<IdxDtype, number[]> = {
  uint8: [0, 1, 127, 128, 254, 255],
  int8: [-128, -1, 0, 1, 100, 127],
  int16: [-32768, -300, 0, 258, 1000, 32767],
  int32: [-2147483648, -70000, 0, 65536, 123456789, 2147483647],
  float32: [-2.25, 0, 0.5, Math.fround(Math.PI), Math.fround(1e-30), Math.fround(3.4e38)],
  float64: [-1e300, -0.1, 0, Math.PI, 5e-324, 1e300],
};

function idxError(bytes: Uint8Array, source?: string): IdxFormatError {
  const error = thrown(() => parseIdx(bytes, source));
  expect(error).toBeInstanceOf(IdxFormatError);
  return error as IdxFormatError;
}

describe('parseIdx', () => {
  it.each(Object.keys(samples) as IdxDtype[])('reads %s data of shape [2, 3] exactly', (dtype) => {
    const parsed = parseIdx(writeIdx(dtype, [2, 3], samples[dtype]));
    expect(parsed.dtype).toBe(dtype);
    expect(parsed.shape).toEqual([2, 3]);
    expect(Array.from(parsed.data)).toEqual(samples[dtype]);
  });

  it('decodes multi-byte values as big-endian', () => {
    // header: int16, 1 dim of 2; data 0x0102 and 0xfffe
    const parsed = parseIdx(Uint8Array.of(0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe));
    expect(parsed.data).toBeInstanceOf(Int16Array);
    expect(Array.from(parsed.data)).toEqual([258, -2]);
  });

  it('reads a big-endian dimension above 255 and a 3-D shape', () => {
    const values = Array.from({ length: 300 * 2 * 2 }, (_, i) => i % 256);
    const parsed = parseIdx(writeIdx('uint8', [300, 2, 2], values));
    expect(parsed.shape).toEqual([300, 2, 2]);
    expect(parsed.data[1199]).toBe(1199 % 256);
  });

  it('reads from a view into a larger buffer and returns a copy', () => {
    const file = writeIdx('int32', [3], [7, -8, 9]);
    const padded = new Uint8Array(file.length + 5);
    padded.set(file, 3);
    const view = padded.subarray(3, 3 + file.length);
    const parsed = parseIdx(view);
    expect(Array.from(parsed.data)).toEqual([7, -8, 9]);
    const input = writeIdx('uint8', [2], [4, 5]);
    const parsedBytes = parseIdx(input);
    input.fill(0);
    expect(Array.from(parsedBytes.data)).toEqual([4, 5]);
  });
});

describe('parseIdx on malformed input', () => {
  it('reports a bad magic number with the bytes found and what was expected', () => {
    const error = idxError(Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0, 0), 'digits.zip');
    expect(error.code).toBe('bad-magic');
    expect(error.source).toBe('digits.zip');
    expect(error.message).toMatch(
      /^digits\.zip: bad magic number at byte 0: found 50 4b 03 04, expected 00 00 <type code> <number of dimensions> \(type codes: 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64\); this looks like a zip archive/,
    );
  });

  it('says when a bad file looks like an HTML page', () => {
    const html = new TextEncoder().encode('<!DOCTYPE html><html><body>Not Found</body></html>');
    const error = idxError(html, 'https://example.test/train-images-idx3-ubyte');
    expect(error.message).toContain('found 3c 21 44 4f');
    expect(error.message).toContain('looks like text (an HTML error page instead of the file?)');
  });

  it('reports an unknown type code and lists the known ones', () => {
    const error = idxError(Uint8Array.of(0, 0, 0x07, 1, 0, 0, 0, 1, 9), 'x.idx');
    expect(error.code).toBe('unknown-type');
    expect(error.message).toBe('x.idx: unknown type code 0x07 at byte 2; known: 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64');
  });

  it('reports truncated data with the byte where it ends and both sizes', () => {
    const full = writeIdx('uint8', [10, 28, 28], new Uint8Array(7840));
    const cut = full.subarray(0, full.length - 100);
    const error = idxError(cut, 'images.idx');
    expect(error.code).toBe('truncated');
    expect(error.message).toBe(`images.idx: truncated at byte ${16 + 7740}: header says 7840 bytes of data (10x28x28 uint8), file has 7740`);
  });

  it('counts multi-byte elements when reporting truncation', () => {
    const cut = writeIdx('float64', [4], [1, 2, 3, 4]).subarray(0, 8 + 30);
    expect(idxError(cut).message).toBe('truncated at byte 38: header says 32 bytes of data (4 float64), file has 30');
  });

  it('reports a header cut short', () => {
    expect(idxError(Uint8Array.of(0, 0, 8, 3, 0, 0)).message).toBe(
      'truncated at byte 6: the header declares 3 dimensions, so it needs 16 bytes',
    );
    expect(idxError(Uint8Array.of(0, 0, 8)).message).toBe('truncated at byte 3: an IDX header needs at least 4 bytes');
  });

  it('reports trailing bytes after the data', () => {
    const file = writeIdx('int16', [2], [1, 2]);
    const longer = new Uint8Array(file.length + 3);
    longer.set(file);
    const error = idxError(longer, 'labels.idx');
    expect(error.code).toBe('trailing-bytes');
    expect(error.message).toBe('labels.idx: 3 trailing bytes after byte 12: header says 4 bytes of data (2 int16), file has 7');
  });

  it('rejects zero dimensions and a zero-sized dimension', () => {
    expect(idxError(Uint8Array.of(0, 0, 8, 0)).message).toBe('the header declares 0 dimensions (byte 3); an IDX file has at least one');
    const error = idxError(writeIdx('uint8', [3, 0, 2], []));
    expect(error.code).toBe('bad-dims');
    expect(error.message).toBe('dimension 1 (bytes 8..11) is 0');
  });

  it('rejects absurd dimensions as a corrupt header rather than allocating them', () => {
    const error = idxError(writeIdx('float32', [65536, 65536], [1, 2, 3]));
    expect(error.code).toBe('bad-dims');
    expect(error.message).toBe(
      `dimensions 65536x65536 float32 describe ${65536 * 65536 * 4} bytes of data, more than ${MAX_IDX_DATA_BYTES}; the header is corrupt (the file has 12 bytes of data)`,
    );
  });
});
