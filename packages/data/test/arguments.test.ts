// Exported functions called with the wrong kind of argument (from plain JavaScript): a TypeError that
// says what to pass, never a raw "Cannot read properties of ..." or a silently NaN result.
import { describe, expect, it } from 'vitest';
import { ArrayDataset, applyStandardize, decodeIdx, fitStandardize, gunzip, idxClassificationFromUrl, idxFileNames, isGzip, normalizeRange, oneHotLabels, parseIdx } from '../src/index.js';
import { idxClassification, mnist, readIdxFile } from '../src/node/index.js';
import { rejected, thrown, writeIdx } from './helpers/idx-writer.js';

function typeError(fn: () => unknown): string {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(TypeError);
  return error.message;
}

async function asyncTypeError(promise: Promise<unknown>): Promise<string> {
  const error = await rejected(promise);
  expect(error).toBeInstanceOf(TypeError);
  return error.message;
}

describe('argument types of the IDX functions', () => {
  it('parseIdx takes a Uint8Array or an ArrayBuffer and says so otherwise', () => {
    expect(typeError(() => parseIdx('abc' as never))).toBe('parseIdx(bytes) must be a Uint8Array or an ArrayBuffer of the file\'s bytes, got the string "abc"');
    expect(typeError(() => parseIdx(undefined as never))).toBe("parseIdx(bytes) must be a Uint8Array or an ArrayBuffer of the file's bytes, got undefined");
    expect(typeError(() => parseIdx(new Float32Array(4) as never))).toBe("parseIdx(bytes) must be a Uint8Array or an ArrayBuffer of the file's bytes, got a Float32Array");
    expect(typeError(() => parseIdx(writeIdx('uint8', [1], [7]), 5 as never))).toBe('parseIdx(bytes, source) must be a file name or URL (or left out), got the number 5');
    const bytes = writeIdx('uint8', [2], [7, 9]);
    const fromBuffer = parseIdx(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect([...fromBuffer.data]).toEqual([7, 9]);
  });

  it('decodeIdx, gunzip and isGzip check their bytes too', async () => {
    expect(await asyncTypeError(decodeIdx([0, 0, 8, 1] as never))).toBe("decodeIdx(bytes) must be a Uint8Array or an ArrayBuffer of the file's bytes, got an array");
    expect(await asyncTypeError(gunzip(null as never))).toBe("gunzip(bytes) must be a Uint8Array or an ArrayBuffer of the file's bytes, got null");
    expect(typeError(() => isGzip('\x1f\x8b' as never))).toContain('isGzip(bytes) must be a Uint8Array');
  });

  it('the loaders check their paths, URLs and options', async () => {
    expect(await asyncTypeError(readIdxFile(42 as never))).toBe('readIdxFile(path) must be a file path string, got the number 42');
    expect(await asyncTypeError(idxClassification({ dir: 'x' } as never))).toBe('idxClassification(dir) must be a directory path string, got an object');
    expect(await asyncTypeError(idxClassificationFromUrl(new URL('http://x/') as never))).toBe('idxClassificationFromUrl(baseUrl) must be a URL string (the folder holding the IDX files), got a URL');
    expect(await asyncTypeError(idxClassificationFromUrl('http://x', 'fetch' as never))).toBe('idxClassificationFromUrl(baseUrl, fetchFn) must be a fetch-like function (or left out), got the string "fetch"');
    expect(await asyncTypeError(mnist('test' as never))).toBe('mnist(options) must be an options object (or left out), got the string "test"');
    expect(await asyncTypeError(mnist({ split: 'test', allowSparseClasses: 'yes' } as never))).toBe('option allowSparseClasses must be true or false, got the string "yes"');
    expect(typeError(() => idxFileNames('valid' as never, 'images'))).toBe('idxFileNames(split) must be \'train\' or \'test\', got the string "valid"');
  });
});

describe('argument types of the transforms and data sets', () => {
  it('refuses text or objects where numbers are read (they would give NaN)', () => {
    expect(typeError(() => normalizeRange('abc' as never, 0, 255))).toBe('normalizeRange(data) must be an array or typed array of numbers, got the string "abc"');
    expect(typeError(() => fitStandardize(['1', '2'] as never, 1))).toBe('fitStandardize(data) must hold numbers, but index 0 is the string "1"');
    expect(typeError(() => applyStandardize([1, 2], undefined as never))).toBe('applyStandardize(data, stats) must be { mean, std } from fitStandardize, got undefined');
    expect(typeError(() => oneHotLabels(3 as never, 10))).toBe('oneHotLabels(labels) must be an array or typed array of numbers, got the number 3');
  });

  it('ArrayDataset says which argument is wrong', () => {
    expect(typeError(() => new ArrayDataset([1, 2] as never, [2], new Uint8Array(1)))).toBe('ArrayDataset(features) must be a Float32Array, got an array');
    expect(typeError(() => new ArrayDataset(new Float32Array(2), 2 as never, new Uint8Array(1)))).toBe('ArrayDataset(features, featureShape) must be an array of positive integers such as [784], got the number 2');
    expect(typeError(() => new ArrayDataset(new Float32Array(2), [2], [0] as never))).toBe('ArrayDataset(features, featureShape, targets) must be a Float32Array or a Uint8Array (class indices), got an array');
  });
});
