// NaN and ±Infinity through the CLI: a stop in training names the op and layer that produced the
// value (and blames the learning rate only when it is to blame); a saved model with a non-finite
// weight or optimizer state is refused by eval, predict and train --resume.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editSavedTensors, encodeGrayPng, halfImage, keel, oneErrorLine, requireBuiltCli, writeHalvesSet } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-numerics-'));
const clippedLog = './test/fixtures/clipped-log-loss-plugin.mjs';
const faultyOptimizers = './test/fixtures/faulty-optimizer-plugin.mjs';
/** Words that send the user to the learning rate. */
const RATE_ADVICE = /lower the learning rate|lrFinder|lr \d|too high/i;

beforeAll(() => requireBuiltCli());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Rewrites one value of a tensor in a saved model's weights or optimizer file; returns that file's name. */
function damage(dir: string, which: 'weights' | 'optimizer', tensor: string, index: number, value: number): string {
  return editSavedTensors(dir, which, (tensors) => {
    const target = tensors.get(tensor);
    if (target === undefined) throw new Error(`no ${tensor}: ${[...tensors.keys()].join(', ')}`);
    target.values[index] = value;
  });
}

describe('a NaN stop in keel train names the op and the layer', () => {
  it('log(0) in a hand-written loss: names log in the loss, says its inputs produced it, and does not blame the learning rate', async () => {
    const message = oneErrorLine(await keel(['train', 'xor', '--plugin', clippedLog, '--loss', 'acme/clippedLog', '--epochs', '1']));
    expect(message).toMatch(/^keel: training stopped: at step \d+ \(epoch 1, batch \d+\) the first non-finite value was produced by log in the forward pass of the loss: /);
    expect(message).toMatch(/its inputs: the output of \w+ in the loss \[4, 1\] from 0 to /);
    expect(message).toContain('the learning rate is not the cause');
    expect(message).toContain('from-logits loss');
    expect(message).not.toMatch(/lower learning rate|lrFinder|lr \d/);
  });

  it('a learning rate high enough to diverge: names the op and layer, and gives the learning-rate advice', async () => {
    const message = oneErrorLine(await keel(['train', 'xor', '--loss', 'mse', '--optimizer', 'sgd', '--lr', '1000', '--epochs', '1']));
    expect(message).toMatch(/^keel: training stopped: at step \d+ \(epoch 1, batch \d+\) the first non-finite value was produced by \w+ in the (forward|backward) pass of (the loss|layer dense_\d): /);
    expect(message).toContain('the learning rate 1000 is too high');
    expect(message).toMatch(/Try: lr [\d.e-]+–[\d.e-]+ \(or lrFinder\)/);
    expect(message).not.toContain('the learning rate is not the cause');
  });
});

describe('a NaN the optimizer update made names the optimizer, its plugin and the op, and blames the rate only for an overflow', () => {
  it('0/0 in the update of an optimizer plugin', async () => {
    const message = oneErrorLine(await keel(['train', 'xor', '--epochs', '1', '--plugin', faultyOptimizers, '--optimizer', 'acme/nan-update']));
    expect(message).toMatch(/^keel: training stopped: dense_1\/kernel: the optimizer update made it non-finite at step 0 \(epoch 1, batch 1\) while the loss and gradients were finite; re-running the update of optimizer 'acme\/nan-update' \(@acme\/faulty-optimizers@1\.0\.0\) from a fresh state on this step's gradients .*the first non-finite value came from div in its update: /);
    expect(message).toContain("Likely cause: optimizer 'acme/nan-update' (@acme/faulty-optimizers@1.0.0) computes it itself: div on values of a normal size");
    expect(message).toContain('the learning rate (0.01) is not the cause');
    expect(message).not.toMatch(RATE_ADVICE);
  });

  it('0/0 in its state: names the state tensor', async () => {
    const message = oneErrorLine(await keel(['train', 'xor', '--epochs', '1', '--plugin', faultyOptimizers, '--optimizer', 'acme/nan-state']));
    expect(message).toMatch(/^keel: training stopped: the optimizer state state\.m became non-finite at step 0 .*'acme\/nan-state' \(@acme\/faulty-optimizers@1\.0\.0\).* came from div in its update/);
    expect(message).not.toMatch(RATE_ADVICE);
  });

  it('an update that overflows float32: the learning-rate advice, with the magnitudes that show it', async () => {
    const message = oneErrorLine(await keel(['train', 'xor', '--epochs', '1', '--plugin', faultyOptimizers, '--optimizer', 'acme/huge']));
    expect(message).toMatch(/Likely cause: the update overflowed float32 \(.*inputs reach [\d.]+e2\d\): the learning rate \(0\.01\) is too high/);
    expect(message).toMatch(/Try: lr [\d.e-]+–[\d.e-]+ \(or lrFinder\); clip the gradients/);
  });
});

describe('a saved model with non-finite values is refused', () => {
  const data = join(tmp, 'halves');

  beforeAll(() => {
    writeHalvesSet(data);
    writeFileSync(join(tmp, 'left.png'), encodeGrayPng(halfImage(0, 3), 8, 8));
  });

  it('eval and predict: one NaN weight fails with the file, the tensor and the index', async () => {
    const model = join(tmp, 'nan-weight');
    const trained = await keel(['train', '--data', data, '--layers', '4', '--epochs', '1', '--out', model]);
    expect(trained.code, trained.stderr).toBe(0);
    const file = damage(model, 'weights', 'dense_2/kernel', 5, NaN);
    const expected = `${join(model, file)}: dense_2/kernel has a non-finite value NaN at index 5 (of 1 such values); the model was saved after training diverged or the file was damaged`;
    expect(oneErrorLine(await keel(['eval', '--model', model, '--data', data]))).toContain(expected);
    expect(oneErrorLine(await keel(['predict', '--model', model, join(tmp, 'left.png')]))).toContain(expected);
  });

  it('train --resume: +Infinity in the saved momentum fails before training, and the model is left as it was', async () => {
    const model = join(tmp, 'inf-momentum');
    const trained = await keel(['train', 'xor', '--optimizer', 'sgd', '--momentum', '0.9', '--epochs', '1', '--out', model]);
    expect(trained.code, trained.stderr).toBe(0);
    const file = damage(model, 'optimizer', 'state.0.trace.dense_1/kernel', 3, Infinity);
    const before = readFileSync(join(model, 'model.json'), 'utf8');
    const message = oneErrorLine(await keel(['train', '--resume', model, '--epochs', '2']));
    expect(message).toContain(`${join(model, file)}: state.0.trace.dense_1/kernel has a non-finite value Infinity at index 3 (of 1 such values); the model was saved after training diverged or the file was damaged`);
    expect(readFileSync(join(model, 'model.json'), 'utf8')).toBe(before);
  });
});
