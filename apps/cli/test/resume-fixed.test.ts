// The flags a resumed model keeps (issue 19, third attack pass): given with the saved value they
// change nothing and are accepted (`--classes 4` for a 4-class model, a loss alias); another value
// is refused, naming what the model has.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeIdx, keel, requireBuiltCli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-resume-fixed-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A 4-class MLP (4 hidden units) trained 1 epoch on 40 2x2 images. */
let model: string;
beforeAll(async () => {
  requireBuiltCli();
  const data = join(tmp, 'data');
  mkdirSync(data);
  const labels = Uint8Array.from({ length: 40 }, (_, i) => i % 4);
  const images = encodeIdx(Uint8Array.from({ length: 160 }, (_, i) => (labels[Math.floor(i / 4)] * 60 + i * 7) % 256), [40, 2, 2]);
  for (const split of ['train', 't10k']) {
    writeFileSync(join(data, `${split}-images-idx3-ubyte`), images);
    writeFileSync(join(data, `${split}-labels-idx1-ubyte`), encodeIdx(labels, [40]));
  }
  model = join(tmp, 'm');
  const result = await keel(['train', '--data', data, '--epochs', '1', '--layers', '4', '--batch-size', '20', '--out', model]);
  expect(result.code, result.stderr).toBe(0);
});

describe('flags a resumed model keeps', () => {
  it('are accepted with the saved value (an alias too), and refused with another, naming what the model has', async () => {
    const same = await keel(['train', '--resume', model, '--epochs', '2', '--classes', '4', '--layers', '4', '--model', 'mlp', '--activation', 'relu', '--loss', 'crossentropy']);
    expect(same.code, same.stderr).toBe(0);
    const other = await keel(['train', '--resume', model, '--epochs', '3', '--classes', '5', '--layers', '4,4', '--init', 'heNormal', '--loss', 'mse']);
    expect(other.stderr).toBe(
      "keel: --layers 4,4 (the model has 4), --init heNormal (the model has the activation's recommended initializer (no --init)), --loss mse (the model has sparseSoftmaxCrossEntropy), " +
        `--classes 5 (the model has 4) cannot change when resuming: the model in ${model} keeps its architecture, loss and classes\n`,
    );
    expect(other.code).toBe(2);
  });

  it('an id with settings is the saved one only with the same settings', async () => {
    const leaky = join(tmp, 'leaky');
    const data = join(tmp, 'data');
    expect((await keel(['train', '--data', data, '--epochs', '1', '--layers', '4', '--activation', 'leakyRelu:alpha=0.2', '--out', leaky])).code).toBe(0);
    expect((await keel(['train', '--resume', leaky, '--epochs', '2', '--activation', 'leakyRelu:alpha=0.2'])).code).toBe(0);
    const other = await keel(['train', '--resume', leaky, '--epochs', '3', '--activation', 'leakyRelu:alpha=0.3']);
    expect(other.stderr).toBe(`keel: --activation leakyRelu:alpha=0.3 (the model has leakyRelu:alpha=0.2) cannot change when resuming: the model in ${leaky} keeps its architecture, loss and classes\n`);
    expect(other.code).toBe(2);
  });
});

