// A saved model whose weights are all finite can still overflow float32 when run (a bias of 3e38):
// eval and predict fail naming the example and the layer instead of printing NaN at exit 0.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editSavedTensors, encodeGrayPng, halfImage, keel, oneErrorLine, requireBuiltCli, writeHalvesSet } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-nonfinite-'));

beforeAll(() => requireBuiltCli());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Sets every value of some weights tensors (finite values: the load-time check passes them). */
function setWeights(dir: string, values: Record<string, number>): void {
  editSavedTensors(dir, 'weights', (tensors) => {
    for (const [name, value] of Object.entries(values)) tensors.get(name)!.values.fill(value);
  });
}

describe('eval and predict on finite weights that overflow', () => {
  const data = join(tmp, 'halves');
  const model = join(tmp, 'overflow');

  beforeAll(async () => {
    writeHalvesSet(data);
    writeFileSync(join(tmp, 'left.png'), encodeGrayPng(halfImage(0, 3), 8, 8));
    const trained = await keel(['train', '--data', data, '--layers', '4', '--epochs', '1', '--out', model]);
    expect(trained.code, trained.stderr).toBe(0);
    // relu(x·W + 3e38) is 3e38 in each of the 4 hidden units; dense_2 sums four of them: Infinity
    setWeights(model, { 'dense_1/bias': 3e38, 'dense_2/kernel': 1 });
  });

  const cause = "the first non-finite value comes from layer 'dense_2' (dense) made it from finite inputs and finite weights";

  it('keel eval exits 1 naming the example and the layer, not "test loss NaN"', async () => {
    const message = oneErrorLine(await keel(['eval', '--model', model, '--data', data]));
    expect(message).toContain("evaluate: the model's output for example 0 is Infinity; ");
    expect(message).toContain(cause);
    expect(message).toContain('the values overflowed float32');
    expect(message).not.toContain('NaN');
  });

  it('keel predict (an IDX file and a PNG) exits 1 the same way, not "class 0 -- [NaN NaN]"', async () => {
    const idx = oneErrorLine(await keel(['predict', '--model', model, join(data, 't10k-images-idx3-ubyte'), '--limit', '2']));
    expect(idx).toContain("predict: the model's output for example 0 is Infinity; ");
    expect(idx).toContain(cause);
    expect(oneErrorLine(await keel(['predict', '--model', model, join(tmp, 'left.png')]))).toContain(cause);
  });
});
