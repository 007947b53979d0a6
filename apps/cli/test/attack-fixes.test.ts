// Inputs an outside attack pass found silently accepted or misreported (issue 19, second pass):
// --plot onto other files, eval of a model whose data moved, one-class data, resume with another
// task or split, non-decimal numbers, empty names, --limit on a PNG, eval data of another size.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlags } from '../src/args.js';
import { SETUP_FLAGS } from '../src/train/flags.js';
import { makeSchedule } from '../src/train/schedule.js';
import { encodeGrayPng, encodeIdx, keel, requireBuiltCli, usageMessage as usage } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-attack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An IDX set of `size`x`size` images: `train` and `test` labels, pixels that depend on the label (so it learns something). */
function idxSet(name: string, train: Uint8Array, test: Uint8Array, size = 2): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  const images = (labels: Uint8Array): Buffer =>
    encodeIdx(Uint8Array.from({ length: labels.length * size * size }, (_, i) => (labels[Math.floor(i / (size * size))] * 60 + i * 7) % 256), [labels.length, size, size]);
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), images(train));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx(train, [train.length]));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), images(test));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx(test, [test.length]));
  return dir;
}

const fourClasses = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i % 4);

/** 100 training examples of 4 classes; the model m1 trains 1 epoch on them, 20 held out, batch 20. */
let data: string;
let m1: string;
beforeAll(async () => {
  requireBuiltCli();
  data = idxSet('d1', fourClasses(100), fourClasses(20));
  m1 = join(tmp, 'm1');
  const result = await keel(['train', '--data', data, '--epochs', '1', '--layers', '4', '--batch-size', '20', '--validation-split', '0.2', '--out', m1]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
});

describe('--plot never replaces a model, the data, or a file Keel did not write', () => {
  it('refuses a plot in a model directory (model.json, weights), and the model is untouched', async () => {
    const before = readFileSync(join(m1, 'model.json'));
    const train = await keel(['train', 'xor', '--epochs', '1', '--plot', join(m1, 'model.json')]);
    expect(train.stderr).toBe(`keel: --plot ${join(m1, 'model.json')} is in ${m1}, a Keel model directory (it has model.json); write the plot outside it\n`);
    expect(train.code).toBe(1);
    const lrFind = await keel(['lr-find', 'xor', '--steps', '10', '--plot', join(m1, 'curve.svg')]);
    expect(lrFind.stderr).toMatch(/^keel: --plot .*curve\.svg is in .*m1, a Keel model directory/);
    expect(lrFind.code).toBe(1);
    expect(lrFind.stdout).toBe(''); // refused before the sweep
    // a link to the model's file is the model's file
    const link = join(tmp, 'link.svg');
    symlinkSync(join(m1, 'model.json'), link);
    expect((await keel(['train', 'xor', '--epochs', '1', '--plot', link, '--overwrite'])).stderr).toMatch(/a Keel model directory \(it has model\.json\)/);
    expect(readFileSync(join(m1, 'model.json'))).toEqual(before);
  });

  it('refuses a plot inside the --out directory before training (the save would collide with it)', async () => {
    const out = join(tmp, 'm6');
    const result = await keel(['train', 'xor', '--epochs', '1', '--out', out, '--plot', join(out, 'curves.svg')]);
    expect(result.stderr).toBe(`keel: --plot ${join(out, 'curves.svg')} is inside the model directory ${out} the run saves to; write the plot outside it\n`);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a plot inside the run's data directory, so the training data is never overwritten", async () => {
    const labels = join(data, 'train-labels-idx1-ubyte');
    const before = readFileSync(labels);
    const result = await keel(['train', '--data', data, '--epochs', '1', '--plot', labels, '--overwrite']);
    expect(result.stderr).toBe(`keel: --plot ${labels} is inside the data directory ${data}; write the plot outside it\n`);
    expect(result.code).toBe(1);
    expect(readFileSync(labels)).toEqual(before);
  });

  it('replaces an existing file only when Keel wrote it as a plot, or with --overwrite', async () => {
    const notes = join(tmp, 'notes.svg');
    writeFileSync(notes, 'my notes\n');
    const refused = await keel(['train', 'xor', '--epochs', '1', '--plot', notes]);
    expect(refused.stderr).toBe(`keel: --plot ${notes} exists and is not a plot Keel wrote; pass --overwrite to replace it, or choose another --plot\n`);
    expect(refused.code).toBe(1);
    expect(readFileSync(notes, 'utf8')).toBe('my notes\n');
    expect((await keel(['train', 'xor', '--epochs', '1', '--plot', notes, '--overwrite'])).code).toBe(0);
    expect(readFileSync(notes, 'utf8')).toMatch(/<title>keel train xor/);
    // a plot Keel wrote is replaced by the next run (train's or lr-find's) without --overwrite
    const again = await keel(['lr-find', 'xor', '--steps', '10', '--plot', notes]);
    expect(again.stderr).toBe('');
    expect(readFileSync(notes, 'utf8')).toMatch(/<title>keel lr-find xor/);
    expect((await keel(['train', 'xor', '--epochs', '1', '--plot', notes])).code).toBe(0);
  });
});

describe('eval of a model whose IDX directory moved', () => {
  it('names preprocessing.dataDir and suggests --data, never measuring it on MNIST', async () => {
    const moving = idxSet('d2', fourClasses(40), fourClasses(8));
    const model = join(tmp, 'm3');
    expect((await keel(['train', '--data', moving, '--epochs', '1', '--layers', '4', '--out', model])).code).toBe(0);
    const moved = join(tmp, 'd2-moved');
    renameSync(moving, moved);
    const result = await keel(['eval', '--model', model]);
    expect(result.stderr).toBe(
      `keel: the model was trained on ${moving} (preprocessing.dataDir in ${join(model, 'model.json')}), which no longer exists; pass --data <dir> with its new place\n`,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(/MNIST/);
    const found = await keel(['eval', '--model', model, '--data', moved]);
    expect(found.stdout).toMatch(/8 examples from .*d2-moved \(test split\)/);
    expect(found.code).toBe(0);
  });
});

describe('fewer than 2 classes', () => {
  it('refuses labels that are all 0 and --classes 1, instead of training a 1-unit softmax to loss 0', async () => {
    const one = idxSet('d0', new Uint8Array(40), new Uint8Array(8));
    const inferred = await keel(['train', '--data', one, '--epochs', '1']);
    expect(inferred.stderr).toMatch(/^keel: every label in .*train-labels-idx1-ubyte, .*t10k-labels-idx1-ubyte is 0: that is 1 class, and a classifier needs at least 2/);
    expect(inferred.code).toBe(1);
    const declared = await keel(['train', '--data', one, '--epochs', '1', '--classes', '1']);
    expect(declared.stderr).toBe("keel: --classes must be a whole number of at least 2, got '1'\n");
    expect(declared.code).toBe(2);
  });
});

describe('flags that were silently taken another way', () => {
  const flags = (...argv: string[]) => parseFlags(argv, [...SETUP_FLAGS, { name: 'out', type: 'string', description: '' }], 'keel train');

  it('takes numbers in decimal notation only, and refuses one that underflows to 0', () => {
    for (const bad of ['0x10', '0b1', '0o7', '1_000', ' ', '']) {
      expect(usage(() => flags('--lr', bad).number('lr', { positive: true }))).toBe(`--lr must be a positive number, got '${bad}'`);
    }
    expect(usage(() => flags('--momentum', '1e-400').number('momentum', { min: 0 }))).toBe('--momentum: 1e-400 is too small to represent (it would become 0)');
    expect(usage(() => flags('--lr', '1e-400').number('lr', { positive: true }))).toBe('--lr: 1e-400 is too small to represent (it would become 0)');
    expect(flags('--lr', '1e-3').number('lr')).toBe(0.001);
    expect(flags('--lr', '.5').number('lr')).toBe(0.5);
    expect(flags('--momentum', '0').number('momentum', { min: 0 })).toBe(0);
    expect(flags('--momentum', '0.0e5').number('momentum', { min: 0 })).toBe(0);
  });

  it('refuses an empty name for any string flag (--out "" meant the current directory)', async () => {
    expect(usage(() => flags('--out', ''))).toBe('--out needs a value (string), got an empty string');
    expect(usage(() => flags('--data='))).toBe('--data needs a value (dir), got an empty string');
    for (const args of [['train', 'xor', '--out', ''], ['train', 'xor', '--plot', ''], ['eval', '--model', ''], ['predict', '--model', '', 'x.png']]) {
      const result = await keel(args);
      expect(result.stderr).toMatch(/^keel: --(out|plot|model) needs a value \(.*\), got an empty string\n$/);
      expect(result.code).toBe(2);
    }
  });

  it('refuses --limit with a PNG (it only applies to an IDX file of many images)', async () => {
    const png = join(tmp, 'one.png');
    writeFileSync(png, encodeGrayPng(Uint8Array.from([0, 255, 255, 0]), 2, 2));
    const result = await keel(['predict', '--model', m1, png, '--limit', '2']);
    expect(result.stderr).toBe(`keel: --limit 2: ${png} is a PNG, one image; --limit is for an IDX file of many images\n`);
    expect(result.code).toBe(2);
    expect((await keel(['predict', '--model', m1, png])).code).toBe(0);
  });
});

describe('train --resume', () => {
  it('refuses a task other than the saved one', async () => {
    for (const task of ['xor', 'mnist']) {
      const result = await keel(['train', task, '--resume', m1, '--epochs', '2']);
      expect(result.stderr).toBe(`keel: the model in ${m1} was trained on the IDX set ${data} (task idx), not ${task}; resume it with 'keel train --resume ${m1}' (no task), or train a new model for ${task}\n`);
      expect(result.code).toBe(2);
    }
  });

  it('data of another image size is a failure of the files (exit 1) naming the data directory', async () => {
    const larger = idxSet('d5', fourClasses(8), fourClasses(8), 3);
    const result = await keel(['train', '--resume', m1, '--epochs', '2', '--data', larger, '--out', join(tmp, 'm1-larger')]);
    expect(result.stderr).toBe(`keel: the model in ${m1} takes inputs of shape [4], but the data in ${larger} gives [9]; resume with the data it was trained on (--data <dir>)\n`);
    expect(result.code).toBe(1);
  });

  it("reports the saved plan's real steps per epoch and last rate, and that another split validates on trained examples", async () => {
    // m1: 80 of 100 examples after its 0.2 split, batch 20 = 4 steps; cosine from 0.1 over 1 epoch
    const result = await keel(['train', '--resume', m1, '--epochs', '2', '--validation-split', '0.5', '--out', join(tmp, 'm1-resumed')]);
    const lastRate = makeSchedule('cosine', 0.1, 4, 4)(3).toPrecision(3);
    expect(result.stderr).toContain(`the saved run's cosine learning-rate schedule was planned for 1 epoch of 4 steps (rate ${lastRate} at its last step); this run follows a cosine schedule planned for 2 epochs of 3 steps`);
    expect(result.stderr).toContain(
      '--validation-split 0.5 (was 0.2) holds out other examples than the ones the model was validated on before: some of them it has already trained on, so validation scores from here on are optimistic',
    );
    expect(result.code).toBe(0);
  });
});

describe('eval --data that does not fit the model', () => {
  it('exits 1 (a data mismatch, not a usage mistake) naming both image sizes', async () => {
    const larger = idxSet('d3', fourClasses(8), fourClasses(8), 3);
    const result = await keel(['eval', '--model', m1, '--data', larger]);
    expect(result.stderr).toBe(`keel: the model takes 2x2 images ([4]), but the test images in ${larger} are 3x3\n`);
    expect(result.code).toBe(1);
  });

  it("calls a label beyond the model's class count outside the model's classes (nothing was declared)", async () => {
    const test = fourClasses(8);
    test[5] = 7;
    const other = idxSet('d4', fourClasses(8), test);
    const result = await keel(['eval', '--model', m1, '--data', other]);
    expect(result.stderr).toBe(`keel: test label at index 5 (${join(other, 't10k-labels-idx1-ubyte')}) is 7, outside the model's 4 classes (0..3)\n`);
    expect(result.code).toBe(1);
  });
});
