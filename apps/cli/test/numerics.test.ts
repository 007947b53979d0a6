// NaN and ±Infinity through the CLI: a stop in training names the op and layer that produced the
// value (and blames the learning rate only when it is to blame); a saved model with a non-finite
// weight or optimizer state is refused by eval, predict and train --resume.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors } from '@keel/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGrayPng, encodeIdx, keel, requireBuiltCli, type RunResult } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-numerics-'));
const clippedLog = './test/fixtures/clipped-log-loss-plugin.mjs';

beforeAll(() => requireBuiltCli());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The one `keel: ...` line of a failed command (exit 1, no stack trace). */
function failure(result: RunResult): string {
  expect(result.code, result.stdout + result.stderr).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^keel: /);
  return lines[0];
}

/** Rewrites one tensor of a saved model's safetensors file (`which`: the file model.json names for the weights or the optimizer state). */
function damage(dir: string, which: 'weights' | 'optimizer', tensor: string, index: number, value: number): string {
  const doc = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weights: string; optimizer?: { state: string } };
  const file = which === 'weights' ? doc.weights : doc.optimizer!.state;
  const decoded = decodeSafetensors(readFileSync(join(dir, file)));
  const target = decoded.tensors.get(tensor);
  if (target === undefined) throw new Error(`${file} has no ${tensor}: ${[...decoded.tensors.keys()].join(', ')}`);
  target.values[index] = value;
  writeFileSync(join(dir, file), encodeSafetensors(decoded.tensors, decoded.metadata));
  return file;
}

describe('a NaN stop in keel train names the op and the layer', () => {
  it('log(0) in a hand-written loss: names log in the loss, says its inputs produced it, and does not blame the learning rate', async () => {
    const message = failure(await keel(['train', 'xor', '--plugin', clippedLog, '--loss', 'acme/clippedLog', '--epochs', '1']));
    expect(message).toMatch(/^keel: training stopped: at step \d+ \(epoch 1, batch \d+\) the first non-finite value was produced by log in the forward pass of the loss: /);
    expect(message).toMatch(/its inputs: the output of \w+ in the loss \[4, 1\] from 0 to /);
    expect(message).toContain('the learning rate is not the cause');
    expect(message).toContain('from-logits loss');
    expect(message).not.toMatch(/lower learning rate|lrFinder|lr \d/);
  }, 120_000);

  it('a learning rate high enough to diverge: names the op and layer, and gives the learning-rate advice', async () => {
    const message = failure(await keel(['train', 'xor', '--loss', 'mse', '--optimizer', 'sgd', '--lr', '1000', '--epochs', '1']));
    expect(message).toMatch(/^keel: training stopped: at step \d+ \(epoch 1, batch \d+\) the first non-finite value was produced by \w+ in the (forward|backward) pass of (the loss|layer dense_\d): /);
    expect(message).toContain('the learning rate 1000 is too high');
    expect(message).toMatch(/Try: lr [\d.e-]+–[\d.e-]+ \(or lrFinder\)/);
    expect(message).not.toContain('the learning rate is not the cause');
  }, 120_000);
});

describe('a saved model with non-finite values is refused', () => {
  // a tiny image set: 8x8 pictures of two classes (bright left half or right half)
  const data = join(tmp, 'halves');
  const image = (label: number, i: number): Uint8Array => Uint8Array.from({ length: 64 }, (_, p) => ((p % 8 < 4) === (label === 0) ? 200 + (i % 50) : (i * 7) % 30));
  const set = (n: number) => {
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 2);
    const images = new Uint8Array(n * 64);
    labels.forEach((label, i) => images.set(image(label, i), i * 64));
    return { images, labels };
  };

  beforeAll(() => {
    mkdirSync(data);
    const train = set(64);
    const test = set(16);
    writeFileSync(join(data, 'train-images-idx3-ubyte'), encodeIdx(train.images, [64, 8, 8]));
    writeFileSync(join(data, 'train-labels-idx1-ubyte'), encodeIdx(train.labels, [64]));
    writeFileSync(join(data, 't10k-images-idx3-ubyte'), encodeIdx(test.images, [16, 8, 8]));
    writeFileSync(join(data, 't10k-labels-idx1-ubyte'), encodeIdx(test.labels, [16]));
    writeFileSync(join(tmp, 'left.png'), encodeGrayPng(image(0, 3), 8, 8));
  });

  it('eval and predict: one NaN weight fails with the file, the tensor and the index', async () => {
    const model = join(tmp, 'nan-weight');
    const trained = await keel(['train', '--data', data, '--layers', '4', '--epochs', '1', '--out', model]);
    expect(trained.code, trained.stderr).toBe(0);
    const file = damage(model, 'weights', 'dense_2/kernel', 5, NaN);
    const expected = `${join(model, file)}: dense_2/kernel has a non-finite value NaN at index 5 (of 1 such values); the model was saved after training diverged or the file was damaged`;
    expect(failure(await keel(['eval', '--model', model, '--data', data]))).toContain(expected);
    expect(failure(await keel(['predict', '--model', model, join(tmp, 'left.png')]))).toContain(expected);
  }, 120_000);

  it('train --resume: +Infinity in the saved momentum fails before training, and the model is left as it was', async () => {
    const model = join(tmp, 'inf-momentum');
    const trained = await keel(['train', 'xor', '--optimizer', 'sgd', '--momentum', '0.9', '--epochs', '1', '--out', model]);
    expect(trained.code, trained.stderr).toBe(0);
    const file = damage(model, 'optimizer', 'state.0.trace.dense_1/kernel', 3, Infinity);
    const before = readFileSync(join(model, 'model.json'), 'utf8');
    const message = failure(await keel(['train', '--resume', model, '--epochs', '2']));
    expect(message).toContain(`${join(model, file)}: state.0.trace.dense_1/kernel has a non-finite value Infinity at index 3 (of 1 such values); the model was saved after training diverged or the file was damaged`);
    expect(readFileSync(join(model, 'model.json'), 'utf8')).toBe(before);
  }, 120_000);
});
