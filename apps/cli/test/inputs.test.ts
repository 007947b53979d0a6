// User inputs the CLI reads: numeric flags, IDX class counts, PNG and IDX files given to predict.
// Most checks call the modules directly; a few run the built CLI to see the one-line message and exit code.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { Registry } from '@keel/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlags, type Flags } from '../src/args.js';
import { CliError } from '../src/errors.js';
import { decodePng, MAX_PNG_PIXELS } from '../src/png.js';
import { readPredictInput } from '../src/predict-input.js';
import { installKeel } from '../src/setup.js';
import type { TrainConfig } from '../src/train/config.js';
import type { DataSettings } from '../src/train/config.js';
import { loadRunData } from '../src/train/data.js';
import { SETUP_FLAGS } from '../src/train/flags.js';
import { checkModelSize, MAX_PARAMETERS } from '../src/train/model-size.js';
import { encodeGrayPng, encodeIdx, keel, requireBuiltCli, usageMessage as usage } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-inputs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const EPOCHS = { name: 'epochs', type: 'integer', description: '' } as const;
const flags = (...argv: string[]): Flags => parseFlags(argv, [...SETUP_FLAGS, EPOCHS, { name: 'rate', type: 'number', description: '' }], 'keel train');

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('numeric flags: caps, and no NaN, Infinity, negative or fractional values', () => {
  it('caps layer widths, --dense and --batch-size, naming the flag, the value and the limit', () => {
    expect(usage(() => flags('--layers', '1000000000').integers('layers'))).toBe('--layers must be at most 65536, got 1000000000');
    expect(usage(() => flags('--layers', '256,1000000').integers('layers'))).toBe("--layers must be at most 65536, got 1000000 in '256,1000000'");
    expect(usage(() => flags('--dense', '70000').integers('dense'))).toBe('--dense must be at most 65536, got 70000');
    expect(usage(() => flags('--batch-size', '100000').integer('batch-size'))).toBe('--batch-size must be at most 65536, got 100000');
    expect(usage(() => flags('--classes', '300').integer('classes'))).toBe('--classes must be at most 256, got 300');
    expect(flags('--layers', '65536,1').integers('layers')).toEqual([65536, 1]);
  });

  it('caps an integer flag without its own maximum at 2^31-1 (a digit string of any length used to pass)', () => {
    expect(usage(() => flags('--epochs', '99999999999999999999').integer('epochs'))).toBe('--epochs must be at most 2147483647, got 99999999999999999999');
    expect(flags('--epochs', '2147483647').integer('epochs')).toBe(2147483647);
    // seeds are unsigned 32-bit: 2^32 would wrap onto seed 0
    expect(flags('--seed', '4294967295').integer('seed', 0)).toBe(4294967295);
    expect(usage(() => flags('--seed', '4294967296').integer('seed', 0))).toBe('--seed must be at most 4294967295, got 4294967296');
  });

  it('refuses NaN, Infinity, 1e999, negative and fractional values', () => {
    for (const bad of ['NaN', 'Infinity', '1e999', '1e3', '-5', '2.5', '', '0x10']) {
      expect(usage(() => flags('--batch-size', bad).integer('batch-size'))).toBe(`--batch-size must be a whole number of at least 1, got '${bad}'`);
      expect(usage(() => flags('--layers', `8,${bad}`).integers('layers'))).toBe(`--layers must be a comma-separated list of positive whole numbers such as 256,128, got '8,${bad}'`);
    }
    for (const bad of ['NaN', 'Infinity', '-Infinity', '1e999', '-1e999', 'fast']) {
      expect(usage(() => flags('--rate', bad).number('rate'))).toBe(`--rate must be a number, got '${bad}'`);
    }
  });
});

describe('the size of the network, checked before it is built', () => {
  it('refuses a network of more parameters than allowed, saying how large it would be', () => {
    const spec = { architecture: 'mlp' as const, layers: [65536, 65536], inputShape: [784], outputUnits: 10 };
    expect(usage(() => checkModelSize(spec, 64))).toBe(
      '--layers 65536,65536 on [784] inputs makes a network of 4,347,133,962 parameters (17.4 GB of weights, about four times that to train), ' +
        `more than the ${MAX_PARAMETERS.toLocaleString('en-US')} allowed; use narrower or fewer layers`,
    );
    expect(checkModelSize({ ...spec, layers: [256, 128] }, 64).parameters).toBe(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
  });

  it('refuses conv layers whose outputs for one batch would not fit', () => {
    const spec = { architecture: 'cnn' as const, layers: [4096], inputShape: [28, 28, 1], outputUnits: 10 };
    // (28x28 + 14x14) x 4096 outputs per example, and their gradients, in float32: 32 MB an example
    expect(usage(() => checkModelSize(spec, 256))).toMatch(/^--layers 4096 with --batch-size 256 needs about 8.2 GB of layer outputs per step, more than 4.3 GB; use a smaller --batch-size or narrower layers$/);
    // the default CNN: 8 and 16 filters
    expect(checkModelSize({ ...spec, layers: [8, 16] }, 64).parameters).toBe(9 * 8 + 8 + 9 * 8 * 16 + 16 + 7 * 7 * 16 * 10 + 10);
  });
});

describe('--data: an inferred class count a stray label would make', () => {
  const registry = installKeel(new Registry());
  function idxSet(trainLabels: Uint8Array): string {
    const dir = mkdtempSync(join(tmp, 'idx-'));
    const test = Uint8Array.from({ length: 20 }, (_, i) => i % 10);
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx(new Uint8Array(trainLabels.length * 4), [trainLabels.length, 2, 2]));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx(trainLabels, [trainLabels.length]));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), encodeIdx(new Uint8Array(test.length * 4), [test.length, 2, 2]));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx(test, [test.length]));
    return dir;
  }
  const strayTwelve = (): Uint8Array => {
    const labels = Uint8Array.from({ length: 200 }, (_, i) => i % 10);
    labels[37] = 12;
    return labels;
  };
  const config = (dataDir: string, settings: DataSettings = {}): TrainConfig & DataSettings => ({
    task: 'idx', dataDir, architecture: 'mlp', layers: [8], activation: 'relu', loss: 'sparseSoftmaxCrossEntropy', optimizer: 'sgd', lr: 0.1,
    schedule: 'constant', epochs: 1, batchSize: 8, seed: 0, ...settings,
  });

  it('names the file, index and label, and the flags that settle it', async () => {
    const dir = idxSet(strayTwelve());
    const message = await failure(loadRunData(config(dir), registry));
    expect(message).toBe(
      `train label at index 37 (${join(dir, 'train-labels-idx1-ubyte')}) is 12: the largest label, 12, would make 13 classes, but classes 10..11 never occur ` +
        '(labels seen, with counts in train + test: 0: 20 + 2, 1: 20 + 2, 2: 20 + 2, 3: 20 + 2, 4: 20 + 2, 5: 20 + 2, 6: 20 + 2, 7: 19 + 2, 8: 20 + 2, 9: 20 + 2, 12: 1 + 0). ' +
        'Pass --classes 10 if there are 10 classes (labels outside them are then errors), or --allow-sparse-classes if these classes are real',
    );
  });

  it('with --classes the label is out of range; with --allow-sparse-classes it trains 13 classes', async () => {
    const dir = idxSet(strayTwelve());
    await expect(loadRunData(config(dir, { classes: 10 }), registry)).rejects.toThrow(`train label at index 37 (${join(dir, 'train-labels-idx1-ubyte')}) is 12, outside the declared 10 classes (0..9)`);
    expect((await loadRunData(config(dir, { allowSparseClasses: true }), registry)).classes).toBe(13);
    expect((await loadRunData(config(dir, { classes: 13 }), registry)).classes).toBe(13);
  });

  it('reads --classes and --allow-sparse-classes from the command line', async () => {
    const { dataSettings } = await import('../src/train/config.js');
    expect(dataSettings(flags('--classes', '10'))).toEqual({ classes: 10 });
    expect(dataSettings(flags('--allow-sparse-classes'))).toEqual({ allowSparseClasses: true });
    expect(dataSettings(flags())).toEqual({});
    expect(usage(() => dataSettings(flags('--classes', '0')))).toBe("--classes must be a whole number of at least 2, got '0'");
  });

  it('keel train passes the flags on: --classes 10 finds the stray label, --allow-sparse-classes trains 13 classes and saves them', async () => {
    requireBuiltCli();
    const dir = idxSet(strayTwelve());
    const declared = await keel(['train', '--data', dir, '--classes', '10', '--epochs', '1']);
    expect(declared.code).toBe(1);
    expect(declared.stderr).toContain(`train label at index 37 (${join(dir, 'train-labels-idx1-ubyte')}) is 12, outside the declared 10 classes (0..9)`);
    const out = join(mkdtempSync(join(tmp, 'model-')), 'm');
    const sparse = await keel(['train', '--data', dir, '--allow-sparse-classes', '--epochs', '1', '--batch-size', '50', '--out', out, '--json']);
    expect(sparse.code, sparse.stderr).toBe(0);
    const saved = JSON.parse((await import('node:fs')).readFileSync(join(out, 'model.json'), 'utf8')) as { preprocessing: { classes: number; run: DataSettings } };
    expect(saved.preprocessing.classes).toBe(13);
    expect(saved.preprocessing.run.allowSparseClasses).toBe(true);
  });
});

describe('--validation-split that leaves no validation or no training examples', () => {
  const registry = installKeel(new Registry());
  /** 3 training images (labels 0, 1, 1) and 2 test images of 2x2, 2 classes. */
  function tinySet(): string {
    const dir = mkdtempSync(join(tmp, 'tiny-'));
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx(new Uint8Array(12), [3, 2, 2]));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx(Uint8Array.of(0, 1, 1), [3]));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), encodeIdx(new Uint8Array(8), [2, 2, 2]));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx(Uint8Array.of(0, 1), [2]));
    return dir;
  }
  const config = (dataDir: string, validationSplit: number): TrainConfig => ({
    task: 'idx', dataDir, classes: 2, validationSplit, architecture: 'mlp', layers: [4], activation: 'relu', loss: 'sparseSoftmaxCrossEntropy', optimizer: 'sgd', lr: 0.1,
    schedule: 'constant', epochs: 1, batchSize: 8, seed: 0,
  });

  async function usageFailure(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    return (error as Error).message;
  }

  it('is a usage error naming the flag, the counts and a value that works (each class holds out round(n x fraction))', async () => {
    const dir = tinySet();
    expect(await usageFailure(loadRunData(config(dir, 0.1), registry))).toBe(
      '--validation-split 0.1 holds out none of the 3 training examples for validation (it is taken class by class, from classes of 1 and 2 examples); use at least 0.25, or leave --validation-split out',
    );
    expect(await usageFailure(loadRunData(config(dir, 0.9), registry))).toBe(
      '--validation-split 0.9 holds out all 3 training examples for validation, leaving none to train on (it is taken class by class, from classes of 1 and 2 examples); use at most 0.74, or leave --validation-split out',
    );
    // the values suggested work: 0.25 holds out 1 (of class 1), 0.74 holds out 2
    expect((await loadRunData(config(dir, 0.25), registry)).validation!.length).toBe(1);
    expect((await loadRunData(config(dir, 0.74), registry)).train.length).toBe(1);
  });

  it('keel train refuses it before the header, with exit code 2', async () => {
    requireBuiltCli();
    const result = await keel(['train', '--data', tinySet(), '--classes', '2', '--epochs', '1', '--layers', '4', '--validation-split', '0.1']);
    expect([result.code, result.stdout]).toEqual([2, '']);
    expect(result.stderr).toMatch(/^keel: --validation-split 0\.1 holds out none of the 3 training examples for validation .*; use at least 0\.25, or leave --validation-split out\n$/);
  });
});

/** A PNG with a header of any size and `raw` as its (deflated) image data: the file stays tiny. */
function pngWithHeader(width: number, height: number, raw: Uint8Array): Buffer {
  const small = encodeGrayPng(new Uint8Array(1), 1, 1);
  const out = Buffer.concat([small.subarray(0, 33), idatChunk(deflateSync(raw)), small.subarray(small.length - 12)]);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  return out; // decodePng does not check CRCs
}

function idatChunk(data: Uint8Array): Buffer {
  const out = Buffer.alloc(data.length + 12);
  out.writeUInt32BE(data.length, 0);
  out.write('IDAT', 4, 'latin1');
  out.set(data, 8);
  return out;
}

describe('PNG sizes, checked before inflating', () => {
  it('refuses 20000x20000 and 70000x70000 from the header, without inflating a byte', () => {
    // the data is 10 bytes: were the header trusted, inflating would fail only after allocating gigabytes
    for (const side of [20000, 70000]) {
      expect(() => decodePng(pngWithHeader(side, side, new Uint8Array(10)))).toThrow(
        `the image is ${side}x${side} (${(side * side).toLocaleString('en-US')} pixels), more than the 4096x4096 (16,777,216 pixels) read here; shrink it first (the model reads small pictures, such as 28x28)`,
      );
    }
    expect(MAX_PNG_PIXELS).toBe(4096 * 4096);
  });

  it('stops data that inflates past what the header declares', () => {
    // a 28x28 header, 1 MB of image data: inflating stops at 28 * 29 bytes
    expect(() => decodePng(pngWithHeader(28, 28, new Uint8Array(2 ** 20)))).toThrow('the image data inflates to more than the 812 bytes a 28x28 image has; the file is corrupt');
    const exact = decodePng(pngWithHeader(28, 28, new Uint8Array(28 * 29)));
    expect([exact.width, exact.height, exact.pixels.length]).toEqual([28, 28, 784]);
  });
});

describe('files given to predict', () => {
  const dir = join(tmp, 'predict');
  mkdirSync(dir);
  const file = (name: string, bytes: Uint8Array | string): string => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  const read = (path: string): Promise<unknown> => readPredictInput(path, 28, 28, 1 / 255, undefined);

  it('says an empty .png is empty, not an IDX problem', async () => {
    const empty = file('digit.png', new Uint8Array(0));
    expect(await failure(read(empty))).toBe(`${empty} is empty (0 bytes); give a PNG image or an IDX file of images`);
  });

  it('says what a .png that is not a PNG starts with, and names other image formats', async () => {
    const html = file('page.png', '<!DOCTYPE html><html></html>');
    expect(await failure(read(html))).toBe(`${html} is not a PNG (28 bytes, starts with 3c 21 44 4f 43 54 59 50 "<!DOCTYP"; a PNG starts with 89 50 4e 47 0d 0a 1a 0a)`);
    const jpeg = file('photo.png', Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46));
    expect(await failure(read(jpeg))).toBe(`${jpeg} is not a PNG but a JPEG image (10 bytes, starts with ff d8 ff e0 00 10 4a 46; a PNG starts with 89 50 4e 47 0d 0a 1a 0a)`);
    const cut = file('cut.png', encodeGrayPng(new Uint8Array(4), 2, 2).subarray(0, 5));
    expect(await failure(read(cut))).toMatch(/cut\.png is a truncated PNG \(5 bytes, starts with 89 50 4e 47 0d;/);
    const gif = file('anim.bin', 'GIF89a\x01\x00');
    expect(await failure(read(gif))).toBe(`${gif} is a GIF image, not a PNG image or an IDX file of images (starts with 47 49 46 38 39 61 01 00); convert it to PNG first`);
  });

  it('names the file and the reader for an IDX problem', async () => {
    const short = file('images-idx3-ubyte', Uint8Array.of(0, 0, 8, 3, 0, 0));
    expect(await failure(read(short))).toBe(`${short}: truncated at byte 6: the header declares 3 dimensions, so it needs 16 bytes (read as an IDX file of images)`);
  });

  it('refuses a directory, a device and a FIFO at once, naming the path', async () => {
    expect(await failure(read(dir))).toBe(`${dir} is a directory, not a regular file; give the path of a PNG or IDX file`);
    expect(await failure(read('/dev/zero'))).toBe('/dev/zero is a device, not a regular file; give the path of a PNG or IDX file');
    const fifo = join(dir, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    expect(await failure(read(fifo))).toBe(`${fifo} is a FIFO (named pipe), not a regular file; give the path of a PNG or IDX file`);
    expect(await failure(read(join(dir, 'missing.png')))).toBe(`cannot read PNG or IDX file ${join(dir, 'missing.png')}: it does not exist`);
  });
});

describe('the built CLI', () => {
  beforeAll(() => requireBuiltCli());

  it('answers --layers 1000000000 with a usage error naming the flag and the limit', async () => {
    const result = await keel(['train', 'mnist', '--layers', '1000000000']);
    expect(result.stderr).toBe('keel: --layers must be at most 65536, got 1000000000\n');
    expect(result.code).toBe(2);
  });

  it('answers --data with a stray label 12 with the file, the index and the flags to pass', async () => {
    const dir = mkdtempSync(join(tmp, 'cli-idx-'));
    const labels = Uint8Array.from({ length: 100 }, (_, i) => i % 10);
    labels[3] = 12;
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx(new Uint8Array(400), [100, 2, 2]));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx(labels, [100]));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), encodeIdx(new Uint8Array(40), [10, 2, 2]));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx(Uint8Array.from({ length: 10 }, (_, i) => i), [10]));
    const result = await keel(['train', '--data', dir, '--epochs', '1']);
    expect(result.stderr).toMatch(new RegExp(`^keel: train label at index 3 \\(${join(dir, 'train-labels-idx1-ubyte')}\\) is 12: .* Pass --classes 10 if there are 10 classes .*--allow-sparse-classes if these classes are real\\n$`));
    expect(result.code).toBe(1);
  });
});
