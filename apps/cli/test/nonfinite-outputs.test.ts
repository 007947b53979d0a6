// A saved model whose weights are all finite can still overflow float32 when run (a bias of 3e38):
// eval and predict fail naming the example and the layer instead of printing NaN at exit 0.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSafetensors, encodeSafetensors } from '@keel/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGrayPng, encodeIdx, keel, requireBuiltCli, type RunResult } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-nonfinite-'));

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

/** Sets every value of some weights tensors (finite values: the load-time check passes them). */
function setWeights(dir: string, values: Record<string, number>): void {
  const doc = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weights: string };
  const decoded = decodeSafetensors(readFileSync(join(dir, doc.weights)));
  for (const [name, value] of Object.entries(values)) decoded.tensors.get(name)!.values.fill(value);
  writeFileSync(join(dir, doc.weights), encodeSafetensors(decoded.tensors, decoded.metadata));
}

describe('eval and predict on finite weights that overflow', () => {
  // a tiny image set: 8x8 pictures of two classes (bright left half or right half)
  const data = join(tmp, 'halves');
  const image = (label: number, i: number): Uint8Array => Uint8Array.from({ length: 64 }, (_, p) => ((p % 8 < 4) === (label === 0) ? 200 + (i % 50) : (i * 7) % 30));
  const set = (n: number) => {
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 2);
    const images = new Uint8Array(n * 64);
    labels.forEach((label, i) => images.set(image(label, i), i * 64));
    return { images, labels };
  };
  const model = join(tmp, 'overflow');

  beforeAll(async () => {
    mkdirSync(data);
    const train = set(64);
    const test = set(16);
    writeFileSync(join(data, 'train-images-idx3-ubyte'), encodeIdx(train.images, [64, 8, 8]));
    writeFileSync(join(data, 'train-labels-idx1-ubyte'), encodeIdx(train.labels, [64]));
    writeFileSync(join(data, 't10k-images-idx3-ubyte'), encodeIdx(test.images, [16, 8, 8]));
    writeFileSync(join(data, 't10k-labels-idx1-ubyte'), encodeIdx(test.labels, [16]));
    writeFileSync(join(tmp, 'left.png'), encodeGrayPng(image(0, 3), 8, 8));
    const trained = await keel(['train', '--data', data, '--layers', '4', '--epochs', '1', '--out', model]);
    expect(trained.code, trained.stderr).toBe(0);
    // relu(x·W + 3e38) is 3e38 in each of the 4 hidden units; dense_2 sums four of them: Infinity
    setWeights(model, { 'dense_1/bias': 3e38, 'dense_2/kernel': 1 });
  }, 120_000);

  const cause = "the first non-finite value comes from layer 'dense_2' (dense) made it from finite inputs and finite weights";

  it('keel eval exits 1 naming the example and the layer, not "test loss NaN"', async () => {
    const message = failure(await keel(['eval', '--model', model, '--data', data]));
    expect(message).toContain("evaluate: the model's output for example 0 is Infinity; ");
    expect(message).toContain(cause);
    expect(message).toContain('the values overflowed float32');
    expect(message).not.toContain('NaN');
  }, 120_000);

  it('keel predict (an IDX file and a PNG) exits 1 the same way, not "class 0 -- [NaN NaN]"', async () => {
    const idx = failure(await keel(['predict', '--model', model, join(data, 't10k-images-idx3-ubyte'), '--limit', '2']));
    expect(idx).toContain("predict: the model's output for example 0 is Infinity; ");
    expect(idx).toContain(cause);
    expect(failure(await keel(['predict', '--model', model, join(tmp, 'left.png')]))).toContain(cause);
  }, 120_000);
});
