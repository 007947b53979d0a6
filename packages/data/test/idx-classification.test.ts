import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataSourceError, IdxFormatError, LabelRangeError, SparseClassesError, type ClassificationSplit } from '../src/index.js';
import { MAX_IDX_FILE_BYTES } from '../src/idx/dtype.js';
import { idxClassification, readIdxFile } from '../src/node/index.js';
import { rejected, thrown, writeIdx } from './helpers/idx-writer.js';
import { cappedGunzipSync, gunzipOrThrow, gunzipStream } from '../src/idx/gzip.js';

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

  it("names the directory to pass when given one of the set's own files", async () => {
    const dir = directory(standardFiles());
    for (const name of ['train-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
      expect((await rejected(idxClassification(join(dir, name)))).message).toBe(`${join(dir, name)} is a file, not a directory of IDX files; pass the directory that holds it: ${dir}`);
    }
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
    // the parts, for a caller that says whose class count it is
    expect(error).toBeInstanceOf(LabelRangeError);
    expect({ ...(error as LabelRangeError) }).toMatchObject({ split: 'train', index: 2, file: join(dir, 'train-labels-idx1-ubyte.gz'), label: 2, classes: 2 });
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
    expect(error.message).toBe('classes must be an integer from 2 to 256 (a classifier needs at least 2; labels are uint8), got 300');
    // one class is no classification: a 1-unit softmax has loss 0 and learns nothing
    expect((await rejected(idxClassification(directory(standardFiles()), { classes: 1 }))).message).toMatch(/from 2 to 256.*got 1$/);
  });
});

describe('idxClassification: an inferred class count that a stray label would make', () => {
  /** MNIST-like counts: 10 classes of `perClass` each, in order 0..9 repeated. */
  const tenClasses = (perClass: number) => Uint8Array.from({ length: 10 * perClass }, (_, i) => i % 10);
  const setWith = (trainLabels: Uint8Array, testLabels = tenClasses(2)): string =>
    directory({
      'train-images-idx3-ubyte': writeIdx('uint8', [trainLabels.length, 1, 1], new Uint8Array(trainLabels.length)),
      'train-labels-idx1-ubyte': writeIdx('uint8', [trainLabels.length], trainLabels),
      't10k-images-idx3-ubyte': writeIdx('uint8', [testLabels.length, 1, 1], new Uint8Array(testLabels.length)),
      't10k-labels-idx1-ubyte': writeIdx('uint8', [testLabels.length], testLabels),
    });

  it('refuses labels that are all 0 (one class), naming the files', async () => {
    const dir = setWith(new Uint8Array(40), new Uint8Array(10));
    const error = await rejected(idxClassification(dir));
    expect(error).toBeInstanceOf(DataSourceError);
    expect(error.message).toBe(
      `every label in ${join(dir, 'train-labels-idx1-ubyte')}, ${join(dir, 't10k-labels-idx1-ubyte')} is 0: that is 1 class, and a classifier needs at least 2; check the label files`,
    );
  });

  it('refuses a single label 12 (classes 10..11 never occur), naming the file, index, label and counts', async () => {
    const labels = tenClasses(20);
    labels[37] = 12;
    const dir = setWith(labels);
    const error = await rejected(idxClassification(dir));
    expect(error).toBeInstanceOf(SparseClassesError);
    const sparse = error as SparseClassesError;
    expect(sparse.code).toBe('sparse-classes');
    expect({ split: sparse.split, file: sparse.file, index: sparse.index, label: sparse.label, suggested: sparse.suggestedClasses }).toEqual({
      split: 'train',
      file: join(dir, 'train-labels-idx1-ubyte'),
      index: 37,
      label: 12,
      suggested: 10,
    });
    expect(error.message).toBe(
      `train label at index 37 (${join(dir, 'train-labels-idx1-ubyte')}) is 12: the largest label, 12, would make 13 classes, but classes 10..11 never occur ` +
        '(labels seen, with counts in train + test: 0: 20 + 2, 1: 20 + 2, 2: 20 + 2, 3: 20 + 2, 4: 20 + 2, 5: 20 + 2, 6: 20 + 2, 7: 19 + 2, 8: 20 + 2, 9: 20 + 2, 12: 1 + 0). ' +
        'Pass `classes: 10` (labels outside it are then errors), or `allowSparseClasses: true` if these classes are real',
    );
  });

  it('says which split each count comes from when only one split is loaded', async () => {
    const labels = tenClasses(20);
    labels[37] = 12;
    const error = (await rejected(idxClassification(setWith(labels), { split: 'train' }))) as SparseClassesError;
    expect(error.message).toContain('(labels seen, with counts in train: 0: 20, 1: 20, 2: 20, 3: 20, 4: 20, 5: 20, 6: 20, 7: 19, 8: 20, 9: 20, 12: 1)');
  });

  it('refuses a label 255 in the test split', async () => {
    const test = tenClasses(2);
    test[5] = 255;
    const error = (await rejected(idxClassification(setWith(tenClasses(20), test)))) as SparseClassesError;
    expect({ split: error.split, index: error.index, label: error.label, suggested: error.suggestedClasses }).toEqual({ split: 'test', index: 5, label: 255, suggested: 10 });
    expect(error.message).toContain('classes 10..254 never occur');
  });

  it('refuses a class with a stray example or two (under 1% of an even share), even without a gap', async () => {
    const labels = tenClasses(200); // 2,000 examples
    labels[1234] = 10; // one example of an 11th class; an even share is ~182
    const error = (await rejected(idxClassification(setWith(labels)))) as SparseClassesError;
    expect({ index: error.index, label: error.label, suggested: error.suggestedClasses }).toEqual({ index: 1234, label: 10, suggested: 10 });
    expect(error.message).toContain('10 (1 example) has under 2 examples');
  });

  it('a single stray example is refused however small the set (1% of an even share rounds below one example)', async () => {
    const labels = tenClasses(10); // 100 examples: 1% of an even share is 0.09
    labels[7] = 10;
    const error = (await rejected(idxClassification(setWith(labels)))) as SparseClassesError;
    expect({ index: error.index, label: error.label, suggested: error.suggestedClasses }).toEqual({ index: 7, label: 10, suggested: 10 });
    expect(error.message).toContain('10 (1 example) has under 2 examples');
  });

  it('a class only the test split has (the model would never be trained on it) is refused', async () => {
    const train = Uint8Array.from({ length: 60 }, (_, i) => i % 3);
    const test = Uint8Array.from({ length: 20 }, (_, i) => i % 4);
    const error = (await rejected(idxClassification(setWith(train, test)))) as SparseClassesError;
    expect({ split: error.split, label: error.label }).toEqual({ split: 'test', label: 3 });
    expect(error.message).toContain('class 3 occurs only outside the training split (never trained)');
  });

  it('points at the labels, without a count to suggest, when class 0 is the one missing (1-based labels)', async () => {
    const labels = Uint8Array.from(tenClasses(20), (l) => l + 1);
    const error = (await rejected(idxClassification(setWith(labels, Uint8Array.from(tenClasses(2), (l) => l + 1))))) as SparseClassesError;
    expect(error.suggestedClasses).toBeUndefined();
    expect(error.message).toContain('but class 0 never occurs');
    expect(error.message).toContain('Pass `classes: <the number of classes>`');
  });

  it('accepts the same labels with the class count declared (a label outside it is an error) or with allowSparseClasses', async () => {
    const labels = tenClasses(20);
    labels[37] = 12;
    const dir = setWith(labels);
    expect((await rejected(idxClassification(dir, { classes: 10 }))).message).toBe(
      `train label at index 37 (${join(dir, 'train-labels-idx1-ubyte')}) is 12, outside the declared 10 classes (0..9)`,
    );
    expect((await idxClassification(dir, { classes: 13 })).classes).toBe(13);
    expect((await idxClassification(dir, { allowSparseClasses: true })).classes).toBe(13);
  });

  it('infers an even or merely unbalanced set as before', async () => {
    const labels = tenClasses(20);
    labels.fill(3, 0, 100); // class 3 dominates; every class still has examples
    expect((await idxClassification(setWith(labels))).classes).toBe(10);
  });
});

describe('idxClassification: a plain and a gzipped copy of one file', () => {
  it('refuses copies whose content differs, naming both paths', async () => {
    const files = standardFiles();
    const other = Uint8Array.from(train.labels, (l) => (l + 1) % 3);
    files['train-labels-idx1-ubyte'] = writeIdx('uint8', [12], other);
    const dir = directory(files);
    const error = await rejected(idxClassification(dir));
    expect((error as DataSourceError).code).toBe('duplicate-file');
    expect(error.message).toBe(
      `${join(dir, 'train-labels-idx1-ubyte')} and ${join(dir, 'train-labels-idx1-ubyte.gz')} are two copies of one file with different content ` +
        '(20 and 20 bytes after decompressing); remove or rename the stale one',
    );
  });

  it('also compares the dotted name variant', async () => {
    const files = standardFiles();
    files['t10k-images.idx3-ubyte'] = writeIdx('uint8', [6, 4, 3], new Uint8Array(72));
    const dir = directory(files);
    expect((await rejected(idxClassification(dir))).message).toContain(`${join(dir, 't10k-images-idx3-ubyte.gz')} and ${join(dir, 't10k-images.idx3-ubyte')} are two copies`);
  });

  it('uses one of two copies that are the same after decompressing', async () => {
    const files = standardFiles();
    files['train-images-idx3-ubyte'] = writeIdx('uint8', [12, 4, 3], train.images);
    const set = await idxClassification(directory(files));
    expectSplit(set.train, train, 12);
  });
});

describe('readIdxFile: only regular files of a possible size', () => {
  it('refuses a directory, a device and a FIFO at once, naming the path', async () => {
    const dir = directory({});
    expect((await rejected(readIdxFile(dir))).message).toBe(`${dir} is a directory, not a regular file; give the path of an IDX file`);
    expect((await rejected(readIdxFile('/dev/zero'))).message).toBe('/dev/zero is a device, not a regular file; give the path of an IDX file');
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    // with no writer, reading a FIFO would block forever; this must come back
    expect((await rejected(readIdxFile(fifo))).message).toBe(`${fifo} is a FIFO (named pipe), not a regular file; give the path of an IDX file`);
  });

  it('names the path of a file it may not read, and of a missing one', async () => {
    const missing = join(root, 'missing.idx');
    expect((await rejected(readIdxFile(missing))).message).toBe(`cannot read IDX file ${missing}: it does not exist`);
    if (process.getuid?.() === 0) return; // root reads anything
    const dir = directory({ 'locked.idx': writeIdx('uint8', [1], [1]) });
    chmodSync(join(dir, 'locked.idx'), 0o000);
    expect((await rejected(readIdxFile(join(dir, 'locked.idx')))).message).toBe(`cannot read IDX file ${join(dir, 'locked.idx')}: permission denied (check the permissions of it and the directories above it)`);
  });

  it('refuses a file larger than an IDX file can be, before reading it', async () => {
    const dir = directory({});
    const huge = join(dir, 'huge-idx3-ubyte');
    writeFileSync(huge, new Uint8Array(0));
    truncateSync(huge, MAX_IDX_FILE_BYTES + 1); // sparse: takes no disk space
    expect((await rejected(readIdxFile(huge))).message).toBe(
      `${huge} is ${(MAX_IDX_FILE_BYTES + 1).toLocaleString('en-US')} bytes, more than the ${MAX_IDX_FILE_BYTES.toLocaleString('en-US')} an IDX file may have`,
    );
  });

  it('stops a gzip bomb at a size cap instead of inflating it all (sync and stream)', async () => {
    const bomb = gz(new Uint8Array(8 * 2 ** 20)); // 8 MiB of zeros: ~8 KB of gzip
    const cap = 2 ** 20;
    const sync = thrown(() => gunzipOrThrow(cappedGunzipSync(gunzipSync, cap), bomb, 'bomb.gz'));
    const expected = new RegExp(`^bomb\\.gz: decompresses to more than 1,048,576 bytes \\(from [\\d,]+ compressed\\), more than an IDX file can hold here$`);
    expect(sync.message).toMatch(expected);
    expect((await rejected(gunzipStream(bomb, 'bomb.gz', cap))).message).toMatch(expected);
    // within the cap both decompress
    expect(gunzipOrThrow(cappedGunzipSync(gunzipSync, cap), gz(Uint8Array.of(1, 2, 3)))).toEqual(Uint8Array.of(1, 2, 3));
    expect(await gunzipStream(gz(Uint8Array.of(1, 2, 3)), 'x', cap)).toEqual(Uint8Array.of(1, 2, 3));
  });
});
