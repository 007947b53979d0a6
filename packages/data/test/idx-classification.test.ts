import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataSourceError, IdxFormatError, type ClassificationSplit } from '../src/index.js';
import { idxClassification, readIdxFile } from '../src/node/index.js';
import { rejected, writeIdx } from './helpers/idx-writer.js';

const root = mkdtempSync(join(tmpdir(), 'keel-idx-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A tiny set: `count` images of 4x3 pixels whose pixels encode (image, position), labels i % 3. */
function makeSplit(count: number) {
  const images = Uint8Array.from({ length: count * 12 }, (_, i) => (Math.floor(i / 12) * 16 + (i % 12)) % 256);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 3);
  return { images, labels };
}
const train = makeSplit(12);
const test = makeSplit(6);

type Files = Record<string, Uint8Array>;
const standardFiles = (): Files => ({
  'train-images-idx3-ubyte.gz': gz(writeIdx('uint8', [12, 4, 3], train.images)),
  'train-labels-idx1-ubyte.gz': gz(writeIdx('uint8', [12], train.labels)),
  't10k-images-idx3-ubyte.gz': gz(writeIdx('uint8', [6, 4, 3], test.images)),
  't10k-labels-idx1-ubyte.gz': gz(writeIdx('uint8', [6], test.labels)),
});

function gz(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(bytes));
}

let dirs = 0;
function directory(files: Files): string {
  const dir = join(root, `set-${dirs++}`);
  mkdirSync(dir);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}

function expectSplit(split: ClassificationSplit, expected: { images: Uint8Array; labels: Uint8Array }, count: number): void {
  expect({ count: split.count, rows: split.rows, cols: split.cols }).toEqual({ count, rows: 4, cols: 3 });
  expect(split.images).toEqual(expected.images);
  expect(split.labels).toEqual(expected.labels);
}

describe('readIdxFile', () => {
  it('reads plain and gzipped files to the same array', async () => {
    const dir = directory({ 'a.idx': writeIdx('int32', [2, 2], [1, -2, 3, -4]), 'a.idx.gz': gz(writeIdx('int32', [2, 2], [1, -2, 3, -4])) });
    const plain = await readIdxFile(join(dir, 'a.idx'));
    const zipped = await readIdxFile(join(dir, 'a.idx.gz'));
    expect(plain.shape).toEqual([2, 2]);
    expect(Array.from(plain.data)).toEqual([1, -2, 3, -4]);
    expect(Array.from(zipped.data)).toEqual(Array.from(plain.data));
  });

  it('puts the path into format errors', async () => {
    const dir = directory({ 'bad.idx.gz': gz(Uint8Array.of(1, 2, 3, 4)) });
    const error = await rejected(readIdxFile(join(dir, 'bad.idx.gz')));
    expect(error).toBeInstanceOf(IdxFormatError);
    expect(error.message).toBe(`${join(dir, 'bad.idx.gz')}: bad magic number at byte 0: found 01 02 03 04, expected 00 00 <type code> <number of dimensions> (type codes: 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32, 0x0e float64)`);
  });
});

describe('idxClassification', () => {
  it('loads both splits from gzipped files and infers the class count', async () => {
    const set = await idxClassification(directory(standardFiles()));
    expectSplit(set.train, train, 12);
    expectSplit(set.test, test, 6);
    expect(set.classes).toBe(3);
  });

  it('accepts plain files and the dotted name variant', async () => {
    const dir = directory({
      'train-images.idx3-ubyte': writeIdx('uint8', [12, 4, 3], train.images),
      'train-labels.idx1-ubyte.gz': gz(writeIdx('uint8', [12], train.labels)),
      't10k-images-idx3-ubyte': writeIdx('uint8', [6, 4, 3], test.images),
      't10k-labels-idx1-ubyte': writeIdx('uint8', [6], test.labels),
    });
    const set = await idxClassification(dir, { classes: 5 });
    expectSplit(set.train, train, 12);
    expectSplit(set.test, test, 6);
    expect(set.classes).toBe(5);
  });

  it('loads only the requested split', async () => {
    const files = standardFiles();
    delete files['train-images-idx3-ubyte.gz'];
    const set = await idxClassification(directory(files), { split: 'test' });
    expect(Object.keys(set).sort()).toEqual(['classes', 'test']);
    expectSplit(set.test, test, 6);
  });

  it('reports a missing directory', async () => {
    const missing = join(root, 'nope');
    const error = await rejected(idxClassification(missing));
    expect(error).toBeInstanceOf(DataSourceError);
    expect((error as DataSourceError).code).toBe('missing-directory');
    expect(error.message).toBe(`data directory ${missing} does not exist`);
  });

  it('reports a file given where a directory was expected', async () => {
    const dir = directory({ 'x.idx': writeIdx('uint8', [1], [1]) });
    expect((await rejected(idxClassification(join(dir, 'x.idx')))).message).toBe(`${join(dir, 'x.idx')} is a file, not a directory of IDX files`);
  });

  it('reports a missing file with the names expected and the names found', async () => {
    const files = standardFiles();
    delete files['t10k-labels-idx1-ubyte.gz'];
    files['notes.txt'] = new Uint8Array(1);
    const dir = directory(files);
    const error = await rejected(idxClassification(dir));
    expect((error as DataSourceError).code).toBe('missing-file');
    expect(error.message).toBe(
      `no test labels file in ${dir}; expected one of t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte.gz, ` +
        't10k-labels.idx1-ubyte, t10k-labels.idx1-ubyte.gz; found: notes.txt, t10k-images-idx3-ubyte.gz, ' +
        'train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz',
    );
  });

  it('reports an empty directory', async () => {
    const dir = directory({});
    expect((await rejected(idxClassification(dir, { split: 'train' }))).message).toMatch(/; the directory is empty$/);
  });

  it('reports a label count that differs from the image count', async () => {
    const files = standardFiles();
    files['t10k-labels-idx1-ubyte.gz'] = gz(writeIdx('uint8', [5], test.labels.subarray(0, 5)));
    const dir = directory(files);
    const error = await rejected(idxClassification(dir));
    expect((error as DataSourceError).code).toBe('count-mismatch');
    expect(error.message).toBe(
      `test split: ${join(dir, 't10k-labels-idx1-ubyte.gz')} has 5 labels but ${join(dir, 't10k-images-idx3-ubyte.gz')} has 6 images; they must match one to one`,
    );
  });

  it('reports labels outside the declared classes, with index and value', async () => {
    const dir = directory(standardFiles());
    const error = await rejected(idxClassification(dir, { classes: 2 }));
    expect((error as DataSourceError).code).toBe('label-range');
    // train labels are 0, 1, 2, ...: index 2 is the first 2
    expect(error.message).toBe(`train label at index 2 (${join(dir, 'train-labels-idx1-ubyte.gz')}) is 2, outside the declared 2 classes (0..1)`);
  });

  it('reports images that are not [count, rows, cols] uint8', async () => {
    const files = standardFiles();
    files['train-images-idx3-ubyte.gz'] = gz(writeIdx('float32', [12, 12], train.images));
    const dir = directory(files);
    const error = await rejected(idxClassification(dir));
    expect(error.message).toBe(`train images (${join(dir, 'train-images-idx3-ubyte.gz')}) are float32 [12, 12]; expected uint8 [count, rows, cols]`);
  });

  it('passes on a corrupt file as an IdxFormatError naming it', async () => {
    const files = standardFiles();
    files['train-labels-idx1-ubyte.gz'] = gz(writeIdx('uint8', [12], train.labels).subarray(0, 15));
    const dir = directory(files);
    const error = await rejected(idxClassification(dir));
    expect(error).toBeInstanceOf(IdxFormatError);
    expect(error.message).toBe(`${join(dir, 'train-labels-idx1-ubyte.gz')}: truncated at byte 15: header says 12 bytes of data (12 uint8), file has 7`);
  });

  it('reports the first bad file in a fixed order (train before test), whichever read fails first', async () => {
    const files = standardFiles();
    // a large train file that fails only after decompressing, and a tiny test file that fails at once
    const big = writeIdx('uint8', [4000, 28, 28], new Uint8Array(4000 * 784));
    files['train-images-idx3-ubyte.gz'] = gz(big.subarray(0, big.length - 1));
    files['t10k-images-idx3-ubyte.gz'] = Uint8Array.from([1, 2, 3, 4]);
    const dir = directory(files);
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await rejected(idxClassification(dir));
      expect(error.message).toMatch(/train-images-idx3-ubyte\.gz: truncated/);
    }
  });

  it('rejects a class count labels cannot hold', async () => {
    const error = await rejected(idxClassification(directory(standardFiles()), { classes: 300 }));
    expect(error.message).toBe('classes must be an integer from 1 to 256 (labels are uint8), got 300');
  });
});
