// What a saved model says is checked before it is used: model.json field by field, the
// preprocessing the CLI reads, and everything --resume continues from. Damage is exit code 1 with
// the file and field, never a silently different network or run.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors } from '@keel/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keel, requireBuiltCli, type RunResult } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-model-files-'));
/** XOR, 2 epochs, saved with its optimizer state. */
const saved = join(tmp, 'xor');
/** XOR with 4 hidden units: its optimizer state does not fit `saved`. */
const narrow = join(tmp, 'xor-4');

beforeAll(async () => {
  requireBuiltCli();
  for (const [dir, layers] of [[saved, '8'], [narrow, '4']]) {
    const result = await keel(['train', 'xor', '--epochs', '2', '--layers', layers, '--out', dir]);
    expect(result.code, result.stderr).toBe(0);
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A last `keel: ...` line on stderr naming what is wrong (after any notices), no stack trace, nothing on stdout, exit code 1. */
function expectFailure(result: RunResult, message: string | RegExp): void {
  expect(result.stdout).toBe('');
  expect(result.stderr).not.toMatch(/^\s+at /m);
  const last = result.stderr.trimEnd().split('\n').at(-1)!;
  if (typeof message === 'string') expect(last).toBe(`keel: ${message}`);
  else expect(last).toMatch(message);
  expect(result.code).toBe(1);
}

/** model.json, as the edits below see it. */
interface Doc {
  [key: string]: unknown;
  model: { layers: { config: Record<string, unknown> }[] };
  preprocessing: Record<string, unknown>;
  optimizer?: Record<string, unknown>;
  training?: Record<string, unknown>;
}

let copies = 0;
/** A copy of the saved model with model.json edited. */
function copyWith(edit: (doc: Doc) => void, from = saved): string {
  const dir = join(tmp, `copy-${++copies}`);
  cpSync(from, dir, { recursive: true });
  const doc = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Doc;
  edit(doc);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(doc));
  return dir;
}

function fileOf(dir: string, kind: 'weights' | 'optimizer'): string {
  return join(dir, readdirSync(dir).find((name) => name.startsWith(`${kind}.`))!);
}

/** As a model saved before fingerprints existed: weights.safetensors without them. */
function withoutFingerprint(dir: string): string {
  const path = fileOf(dir, 'weights');
  const weights = decodeSafetensors(readFileSync(path));
  writeFileSync(path, encodeSafetensors(weights.tensors, { 'keel.format': 'weights' }));
  return dir;
}

describe('model.json values are checked field by field', () => {
  it('activation null is an error naming the file, the layer and the field (it used to run as linear)', async () => {
    const dir = copyWith((d) => (d.model.layers[0].config.activation = null));
    expectFailure(
      await keel(['eval', '--model', dir]),
      `${dir}/model.json: model.layers[0] (dense_1): activation is null; expected an activation id such as 'relu' or { id, ...options }`,
    );
  });

  it('an unknown plugin id names the file and the layer, exit code 1 (not a usage error)', async () => {
    const dir = copyWith((d) => (d.model.layers[1].config.activation = 'acme/swish'));
    expectFailure(await keel(['eval', '--model', dir]), new RegExp(`^keel: ${dir}/model\\.json: model\\.layers\\[1\\] \\(dense_2\\): activation 'acme/swish': unknown activation 'acme/swish'`));
  });

  it('formatVersion "1" is reported as a string, not as missing', async () => {
    const dir = copyWith((d) => (d.formatVersion = '1'));
    expectFailure(await keel(['eval', '--model', dir]), `${dir}/model.json: formatVersion is '1' (a string); expected the number 1`);
  });

  it('an edit that still fits the weights (another activation) is detected', async () => {
    const dir = copyWith((d) => (d.model.layers[0].config.activation = 'relu'));
    expectFailure(await keel(['eval', '--model', dir]), new RegExp(`^keel: ${dir}/model\\.json: does not match weights\\.\\d+\\.safetensors: .*\\(layer 0 \\(dense_1\\)\\)`));
  });

  it('an edit of the preprocessing or of model.requires names the field or entry that changed', async () => {
    const changed = '(does not match weights\\.\\d+\\.safetensors: the architecture or preprocessing was changed after the weights were saved)';
    const run = copyWith((d) => ((d.preprocessing.run as { seed: number }).seed = 5));
    expectFailure(await keel(['eval', '--model', run]), new RegExp(`^keel: ${run}/model\\.json: ${changed} \\(preprocessing\\.run\\.seed is 5, not the value saved with the weights\\);`));
    const requires = copyWith((d) => (d.model as unknown as { requires: unknown[] }).requires.pop());
    const dropped = (JSON.parse(readFileSync(join(saved, 'model.json'), 'utf8')) as { model: { requires: { kind: string; id: string }[] } }).model.requires.at(-1)!;
    expectFailure(await keel(['eval', '--model', requires]), new RegExp(`^keel: ${requires}/model\\.json: ${changed} \\(model\\.requires' entry for ${dropped.kind} '${dropped.id}' was removed\\);`));
  });

  it('preprocessing the CLI reads is checked (files without a fingerprint too): scale 1e300 or -1, a layout or class count that does not fit', async () => {
    const cases: [(d: Doc) => void, string | RegExp][] = [
      [(d) => (d.preprocessing.scale = 1e300), "preprocessing.scale is 1e+300; expected a finite number > 0 such as 1/255 (what raw inputs are multiplied by)"],
      [(d) => (d.preprocessing.scale = -1), 'preprocessing.scale is -1; expected a finite number > 0 such as 1/255 (what raw inputs are multiplied by)'],
      [(d) => (d.preprocessing.layout = 'grid'), "preprocessing.layout is 'grid'; expected 'flat', 'image'"],
      [(d) => (d.preprocessing.classes = 3), "preprocessing.classes 3 with targets 'binary' does not fit the model's 1 output unit"],
      [(d) => (d.preprocessing.loss = 'bogusLoss'), /^preprocessing\.loss is 'bogusLoss'; expected a registered loss id/],
    ];
    for (const [edit, message] of cases) {
      const dir = withoutFingerprint(copyWith(edit));
      const result = await keel(['eval', '--model', dir]);
      if (typeof message === 'string') expectFailure(result, `${dir}/model.json: ${message}`);
      else expectFailure(result, new RegExp(`^keel: ${dir}/model\\.json: ${message.source.slice(1)}`));
    }
  });
});

describe('eval needs no optimizer file; resume does, and says how to go on without it', () => {
  it('eval works without optimizer.safetensors; --resume names it and --reset-optimizer; with the flag it resumes and warns', async () => {
    const dir = copyWith(() => {});
    unlinkSync(fileOf(dir, 'optimizer'));
    const evaluated = await keel(['eval', '--model', dir]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toContain('test accuracy');
    expectFailure(await keel(['train', '--resume', dir, '--epochs', '3']), /^keel: .*optimizer\.\d+\.safetensors, which is missing; pass --reset-optimizer to resume with fresh optimizer state/);
    const reset = await keel(['train', '--resume', dir, '--epochs', '3', '--reset-optimizer']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stderr).toContain('keel: warning: --reset-optimizer: the optimizer state starts afresh');
  });
});

describe('--resume never repairs a damaged run into another', () => {
  const resume = (dir: string): Promise<RunResult> => keel(['train', '--resume', dir, '--epochs', '3']);

  it('optimizer state null or the optimizer section removed', async () => {
    const nullState = copyWith((d) => (d.optimizer!.state = null));
    expectFailure(await resume(nullState), new RegExp(`^keel: ${nullState}/model\\.json: optimizer\\.state is null \\(no optimizer state was saved\\); pass --reset-optimizer`));
    const noOptimizer = copyWith((d) => delete d.optimizer);
    expectFailure(await resume(noOptimizer), new RegExp(`^keel: ${noOptimizer}/model\\.json has no optimizer section, .*; pass --reset-optimizer`));
  });

  it('the training section removed, or training.epoch / training.step damaged: named before any training', async () => {
    const noTraining = copyWith((d) => delete d.training);
    expectFailure(await resume(noTraining), new RegExp(`^keel: ${noTraining}/model\\.json has no training section, so where its run stopped is unknown`));
    for (const [value, shown] of [[0.5, '0.5'], ['1', "'1'"], [-1, '-1']] as const) {
      const dir = copyWith((d) => (d.training!.epoch = value));
      expectFailure(await resume(dir), `${dir}/model.json: training.epoch is ${shown}; expected a whole number >= 0`);
    }
    const beyond = copyWith((d) => (d.training!.epoch = 5));
    expectFailure(await keel(['train', '--resume', beyond, '--epochs', '8']), `${beyond}/model.json: training.epoch is 5, more than the 2 epochs of its run (preprocessing.run.epochs); the file was edited or damaged`);
    const seed = copyWith((d) => (d.training!.seed = 7));
    expectFailure(await resume(seed), `${seed}/model.json: training.seed is 7, but the run was trained with seed 0 (preprocessing.run.seed, which --resume uses); the file was edited or damaged. To change the seed of the rest of the run, pass --seed`);
    const step = copyWith((d) => (d.training!.step = 100));
    expectFailure(await resume(step), `${step}/model.json: training.step is 100, but 2 epochs of 64 steps make 128; the file was edited or damaged (the schedule would resume at the wrong rate)`);
  });

  it('optimizer state of another model is not the state saved with these weights', async () => {
    const dir = copyWith(() => {});
    cpSync(fileOf(narrow, 'optimizer'), fileOf(dir, 'optimizer'));
    expectFailure(await resume(dir), new RegExp(`^keel: ${dir}/optimizer\\.\\d+\\.safetensors: optimizer\\.\\d+\\.safetensors is not the optimizer state saved with weights\\.\\d+\\.safetensors: its contents differ .*--reset-optimizer`));
  });

  it('a decaying schedule planned for fewer epochs is announced before training; an unchanged plan is not', async () => {
    const dir = join(tmp, 'cosine');
    expect((await keel(['train', 'xor', '--epochs', '1', '--schedule', 'cosine', '--out', dir])).code).toBe(0);
    const more = await keel(['train', '--resume', dir, '--epochs', '2']);
    expect(more.code, more.stderr).toBe(0);
    expect(more.stderr).toContain(
      "keel: warning: the saved run's cosine learning-rate schedule was planned for 1 epoch of 64 steps (rate 0.0000301 at its last step); this run follows a cosine schedule planned for 2 epochs of 64 steps from epoch 2 on (rate 0.0250), so its weights will differ from those of a straight 2-epoch run. For a straight run, train 2 epochs without --resume",
    );
    const constant = await keel(['train', '--resume', saved, '--epochs', '3', '--out', join(tmp, 'constant')]);
    expect(constant.code, constant.stderr).toBe(0);
    expect(constant.stderr).toBe('');
  });
});
