// What `keel train --resume` keeps honest (issue 19, third attack pass): another data set is refused
// unless --switch-data says so, and is then announced and recorded, with the sizes of both sets
// instead of blaming model.json; a changed --seed, --momentum or --batch-size is announced and
// recorded per epoch (training.changes) rather than rewriting the record of the whole run; and the
// training section is checked field by field.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dense, Sequential } from '@keel/layers';
import { Registry } from '@keel/registry';
import type { TrainingState } from '@keel/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.js';
import { installKeel } from '../src/setup.js';
import { completeEpochCheckpoint } from '../src/train/checkpoint.js';
import { readTrainingRecord } from '../src/train/training-record.js';
import { encodeIdx, keel, requireBuiltCli, type RunResult } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-resume-record-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An IDX set of 2x2 images of 4 classes: `train` and `test` examples, pixels that depend on the label. */
function idxSet(name: string, train: number, test: number, classes = 4): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const labels = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i % classes);
  const images = (l: Uint8Array): Buffer => encodeIdx(Uint8Array.from({ length: l.length * 4 }, (_, i) => (l[Math.floor(i / 4)] * 60 + i * 7) % 256), [l.length, 2, 2]);
  const [trainLabels, testLabels] = [labels(train), labels(test)];
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), images(trainLabels));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx(trainLabels, [train]));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), images(testLabels));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx(testLabels, [test]));
  return dir;
}

interface Saved {
  preprocessing: { dataDir?: string; run: Record<string, unknown> };
  training: { epoch: number; step: number; seed: number; history: { epoch: number }[]; data?: unknown; changes?: unknown[] };
}
const savedJson = (dir: string): Saved => JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Saved;

let copies = 0;
function copyOf(dir: string, edit?: (doc: Saved & Record<string, unknown>) => void): string {
  const copy = join(tmp, `copy-${++copies}`);
  cpSync(dir, copy, { recursive: true });
  if (edit !== undefined) {
    const doc = savedJson(copy) as Saved & Record<string, unknown>;
    edit(doc);
    writeFileSync(join(copy, 'model.json'), JSON.stringify(doc));
  }
  return copy;
}

function warnings(result: RunResult): string[] {
  return result.stderr.split('\n').filter((line) => line.startsWith('keel: warning: '));
}

/** A: 100 training and 20 test examples; the model trained 1 epoch on it, batch 20 (5 steps an epoch). */
let setA: string;
let modelA: string;
beforeAll(async () => {
  requireBuiltCli();
  setA = idxSet('A', 100, 20);
  modelA = join(tmp, 'mA');
  const result = await keel(['train', '--data', setA, '--epochs', '1', '--layers', '4', '--batch-size', '20', '--out', modelA]);
  expect(result.code, result.stderr).toBe(0);
});

describe('resuming on another data set', () => {
  it('another --data, larger or of the same size, is refused naming both sets and their sizes, not blamed on model.json', async () => {
    const big = idxSet('Big', 1000, 40);
    const larger = await keel(['train', '--resume', modelA, '--data', big, '--epochs', '2']);
    expect([larger.code, larger.stdout]).toEqual([2, '']);
    expect(larger.stderr).toBe(
      `keel: --data ${big} is not the data set the model in ${modelA} was trained on: it has 1,000 training and 40 test examples (50 steps of 20 per epoch); ` +
        `the saved run used ${setA}: 100 training and 20 test examples (5 steps of 20 per epoch). ` +
        `Resume on that set (leave --data out), or pass --switch-data to go on training on ${big} (model.json then records the switch)\n`,
    );
    const same = idxSet('B', 100, 20, 2);
    const sameSize = await keel(['train', '--resume', modelA, '--data', same, '--epochs', '2']);
    expect(sameSize.code).toBe(2);
    expect(sameSize.stderr).toMatch(new RegExp(`^keel: --data ${same} is not the data set the model in ${modelA} was trained on: it has 100 training and 20 test examples`));
    expect(savedJson(modelA).training.epoch).toBe(1);
  });

  it('--switch-data goes on on the other set, says so (with the classes its labels use) and records the switch; the next resume continues there', async () => {
    const setB = idxSet('B2', 100, 20, 2);
    const out = join(tmp, 'switched');
    const result = await keel(['train', '--resume', modelA, '--data', setB, '--switch-data', '--epochs', '2', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(warnings(result)[0]).toBe(
      `keel: warning: --switch-data: from epoch 2 on the model trains on ${setB}: 100 training and 20 test examples (5 steps of 20 per epoch), whose training labels use 2 of the model's 4 classes, ` +
        `not on ${setA}: 100 training and 20 test examples (5 steps of 20 per epoch) as before; its history and scores from here on are not comparable with the earlier epochs. ` +
        'model.json records the switch (training.changes)',
    );
    const saved = savedJson(out);
    expect(saved.preprocessing.dataDir).toBe(setB);
    expect(saved.training.data).toEqual({ train: 100, validation: 0, test: 20 });
    expect(saved.training.changes).toEqual([
      { epoch: 2, setting: 'epochs', was: 1, now: 2 },
      { epoch: 2, setting: 'dataDir', was: setA, now: setB },
    ]);
    expect(saved.training.history.map((h) => h.epoch)).toEqual([1, 2]);
    const again = await keel(['train', '--resume', out, '--epochs', '3']);
    expect(again.code, again.stderr).toBe(0);
    expect(savedJson(out).training.changes).toEqual([...saved.training.changes!, { epoch: 3, setting: 'epochs', was: 2, now: 3 }]);
  });

  it('the saved directory whose files changed since is named with both sizes (exit 1); without a size record, the steps say either', async () => {
    const data = idxSet('C', 100, 20);
    const model = join(tmp, 'mC');
    expect((await keel(['train', '--data', data, '--epochs', '1', '--layers', '4', '--batch-size', '20', '--out', model])).code).toBe(0);
    const unrecorded = copyOf(model, (d) => delete d.training.data);
    idxSet('C', 300, 20); // the files replaced by a larger set
    const changed = await keel(['train', '--resume', model, '--epochs', '2']);
    expect([changed.code, changed.stdout]).toEqual([1, '']);
    expect(changed.stderr).toBe(
      `keel: the data set the model in ${model} was trained on changed since it was saved: ${data} now has 300 training and 20 test examples (15 steps of 20 per epoch); ` +
        `the saved run used ${data}: 100 training and 20 test examples (5 steps of 20 per epoch). ` +
        'Restore the data it was trained on, or pass --switch-data to go on training on the data as it is now (model.json then records the switch)\n',
    );
    const old = await keel(['train', '--resume', unrecorded, '--epochs', '2']);
    expect(old.code).toBe(1);
    expect(old.stderr).toBe(
      `keel: ${unrecorded}/model.json: training.step is 5, but 1 epoch of 15 steps of 20 make 15 on the data in ${data}: 300 training and 20 test examples (15 steps of 20 per epoch); ` +
        'either the data there changed since the model was saved (resume on the data it was trained on, or pass --switch-data to go on training on it as it is now), ' +
        'or the file was edited or damaged (the schedule would resume at the wrong rate)\n',
    );
    const switched = await keel(['train', '--resume', model, '--epochs', '2', '--switch-data']);
    expect(switched.code, switched.stderr).toBe(0);
    expect(savedJson(model).training.changes).toContainEqual({ epoch: 2, setting: 'data', was: { train: 100, validation: 0, test: 20 }, now: { train: 300, validation: 0, test: 20 } });
  });

  it('--switch-data on the saved set, without --resume, and --data for an XOR model are usage errors', async () => {
    const same = await keel(['train', '--resume', modelA, '--data', setA, '--switch-data', '--epochs', '2']);
    expect(same.stderr).toBe(`keel: --switch-data: ${setA}: 100 training and 20 test examples (5 steps of 20 per epoch) is the data set the model in ${modelA} was trained on; drop --switch-data\n`);
    expect(same.code).toBe(2);
    const fresh = await keel(['train', '--data', setA, '--switch-data', '--epochs', '1']);
    expect(fresh.stderr).toMatch(/^keel: --switch-data is for --resume/);
    expect(fresh.code).toBe(2);
    const xor = join(tmp, 'xor');
    expect((await keel(['train', 'xor', '--epochs', '1', '--out', xor])).code).toBe(0);
    const xorData = await keel(['train', '--resume', xor, '--data', setA, '--epochs', '2']);
    expect(xorData.stderr).toBe(`keel: --data ${setA}: the model in ${xor} was trained on xor, which has its own four points; resume it without --data\n`);
    expect(xorData.code).toBe(2);
  });
});

describe('settings a resume changes are announced and recorded per epoch', () => {
  it('--seed, --momentum and --batch-size: one notice; preprocessing.run holds the latest, training.changes each change and its epoch', async () => {
    const model = copyOf(modelA);
    const result = await keel(['train', '--resume', model, '--epochs', '2', '--seed', '5', '--momentum', '0.5', '--batch-size', '10']);
    expect(result.code, result.stderr).toBe(0);
    expect(warnings(result)).toContain(
      'keel: warning: --momentum 0.5 (was 0.9), --batch-size 10 (was 20), --seed 5 (was 0): from epoch 2 on the run uses these settings, the earlier epochs used the saved ones, ' +
        'so the result differs from a straight run with either. model.json records each change and the epoch it took effect (training.changes)',
    );
    const saved = savedJson(model);
    expect(saved.preprocessing.run).toMatchObject({ seed: 5, momentum: 0.5, batchSize: 10, epochs: 2 });
    expect(saved.training.changes).toEqual([
      { epoch: 2, setting: 'momentum', was: 0.9, now: 0.5 },
      { epoch: 2, setting: 'epochs', was: 1, now: 2 },
      { epoch: 2, setting: 'batchSize', was: 20, now: 10 },
      { epoch: 2, setting: 'seed', was: 0, now: 5 },
    ]);
    expect(saved.training.seed).toBe(5);
  });

  it('an unchanged resume announces nothing but the longer plan, and records only it', async () => {
    const model = copyOf(modelA);
    const result = await keel(['train', '--resume', model, '--epochs', '2', '--seed', '0', '--batch-size', '20']);
    expect(result.code, result.stderr).toBe(0);
    expect(warnings(result).every((w) => w.includes('learning-rate schedule'))).toBe(true);
    expect(savedJson(model).training.changes).toEqual([{ epoch: 2, setting: 'epochs', was: 1, now: 2 }]);
  });

  it('every checkpoint keeps the history so far, the data and the changes (a resume from it loses none of them)', async () => {
    const registry = installKeel(new Registry());
    const model = new Sequential([new Dense({ units: 2 })], { inputShape: [2], registry }).build();
    const dir = join(tmp, 'checkpoint');
    const record = { history: [{ epoch: 1, loss: 0.5 }], data: { train: 8, validation: 0, test: 4 }, changes: [{ epoch: 2, setting: 'seed', was: 0, now: 5 }] };
    const checkpoint = completeEpochCheckpoint(dir, { task: 'xor' }, {}, () => record);
    const state = { model, step: 8, seed: 5, stepsPerEpoch: 4, optimizer: { id: undefined, config: undefined, state: undefined } } as unknown as TrainingState;
    await checkpoint.onEpochBegin?.(1, state);
    for (let batch = 0; batch < 4; batch++) await checkpoint.onBatchEnd?.(batch, {}, state);
    await checkpoint.onEpochEnd?.(1, { loss: 0.4 }, state);
    expect(checkpoint.saves).toBe(1);
    expect(savedJson(dir).training).toEqual({ epoch: 2, step: 8, seed: 5, ...record });
  });
});

describe("model.json's training section, field by field", () => {
  const where = '/m/model.json';
  const message = (training: unknown): string => {
    try {
      readTrainingRecord(training, where);
    } catch (error) {
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(1);
      return (error as Error).message.replace('; the file was edited or damaged (restore the model.json saved with these weights, or train a new model)', '');
    }
    throw new Error('accepted');
  };
  const base = { epoch: 2, step: 10, seed: 0 };

  it('accepts what keel train writes: a checkpoint ({ epoch, step, seed }) and a finished run', () => {
    expect(readTrainingRecord(base, where)).toEqual({ ...base, history: [], changes: [] });
    const finished = {
      ...base,
      testAccuracy: 0.9,
      testLoss: 0.3,
      history: [
        { epoch: 1, loss: 1.2, accuracy: 0.5, lr: 0.1, seconds: 0.5, val_loss: 1.3, val_accuracy: 0.4 },
        { epoch: 2, loss: 0.9, accuracy: 0.7, lr: 0.01, seconds: 0.4 },
      ],
      data: { train: 80, validation: 20, test: 20 },
      changes: [{ epoch: 2, setting: 'validationSplit', was: null, now: 0.2 }],
    };
    expect(readTrainingRecord(finished, where)).toEqual(finished);
    expect(readTrainingRecord({ ...base, testAccuracy: null }, where).testAccuracy).toBeNull();
  });

  it('names the file and field of an unknown key, a wrong type or an absurd value', () => {
    expect(message({ ...base, histroy: [] })).toBe(`${where}: unknown field training.histroy; did you mean training.history? (valid: epoch, step, seed, testAccuracy, testLoss, history, data, changes)`);
    expect(message({ ...base, note: 'x' })).toBe(`${where}: unknown field training.note (valid: epoch, step, seed, testAccuracy, testLoss, history, data, changes)`);
    expect(message({ ...base, history: 'abc' })).toBe(`${where}: training.history is 'abc'; expected a list of the logs of each epoch ({ epoch, loss, accuracy, ... })`);
    expect(message({ ...base, history: [{ epoch: 'one', loss: 'NaN' }] })).toBe(`${where}: training.history[0].epoch is 'one'; expected the epoch it logs, a whole number from 1 to 2 (training.epoch)`);
    expect(message({ ...base, history: [{ epoch: 1, loss: 'NaN' }] })).toBe(`${where}: training.history[0].loss is 'NaN'; expected a finite number (a float32, at most about 3.4e38)`);
    expect(message({ ...base, history: [{ epoch: 1, loss: 1e308 }] })).toBe(`${where}: training.history[0].loss is 1e+308; expected a finite number (a float32, at most about 3.4e38)`);
    expect(message({ ...base, history: [{ epoch: 1, loss: 1, accuracy: -5 }] })).toBe(`${where}: training.history[0].accuracy is -5; expected a fraction from 0 to 1`);
    expect(message({ ...base, history: [{ epoch: 1, loss: 1, acuracy: 0.5 }] })).toMatch(/^\/m\/model\.json: unknown field training\.history\[0\]\.acuracy; did you mean training\.history\[0\]\.accuracy\?/);
    expect(message({ ...base, history: [{ epoch: 3, loss: 1 }] })).toMatch(/training\.history\[0\]\.epoch is 3; expected the epoch it logs, a whole number from 1 to 2/);
    expect(message({ ...base, history: [{ epoch: 1, loss: 1 }, { epoch: 1, loss: 1 }] })).toBe(`${where}: training.history[1].epoch is 1, not after 1 (training.history[0].epoch); the epochs must increase`);
    expect(message({ ...base, testAccuracy: 1.5 })).toBe(`${where}: training.testAccuracy is 1.5; expected a fraction from 0 to 1, or null`);
    expect(message({ ...base, data: { train: 0, validation: 0, test: 1 } })).toMatch(/training\.data\.train is 0; expected the number of examples trained on per epoch/);
    expect(message({ ...base, changes: [{ epoch: 2, setting: 'seed', was: 0 }] })).toBe(`${where}: training.changes[0].now is missing; expected its value (null when not set)`);
  });

  it('keel train --resume and eval refuse such a file before anything runs; the model and the plot are untouched', async () => {
    const model = copyOf(modelA, (d) => (d.training.history = [{ epoch: 'one', loss: 'NaN' }] as unknown as { epoch: number }[]));
    const before = readFileSync(join(model, 'model.json'), 'utf8');
    const plot = join(tmp, 'bad-history.svg');
    const resumed = await keel(['train', '--resume', model, '--epochs', '2', '--plot', plot]);
    expect([resumed.code, resumed.stdout]).toEqual([1, '']);
    expect(resumed.stderr).toMatch(new RegExp(`^keel: ${model}/model\\.json: training\\.history\\[0\\]\\.epoch is 'one'; expected the epoch it logs`));
    expect(readFileSync(join(model, 'model.json'), 'utf8')).toBe(before);
    expect(existsSync(plot)).toBe(false);
    const evaluated = await keel(['eval', '--model', model]);
    expect(evaluated.code).toBe(1);
    expect(evaluated.stderr).toMatch(/training\.history\[0\]\.epoch is 'one'/);
  });
});
