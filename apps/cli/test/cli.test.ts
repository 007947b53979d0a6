// The built CLI, run as a user runs it: a subprocess, its output and its exit code.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VERSION as ACTIVATIONS_VERSION } from '@keel/activations';
import { VERSION as LAYERS_VERSION } from '@keel/layers';
import { VERSION as OPTIMIZERS_VERSION } from '@keel/optimizers';
import { mnist, mnistDirectory } from '@keel/data/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL, checkWellFormed, encodeGrayPng, encodeIdx, jsonLines, keel, requireBuiltCli, type RunResult } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-cli-'));
const plugin = './test/fixtures/acme-plugin.mjs';

beforeAll(() => requireBuiltCli());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An error: exit code, and exactly one `keel: ...` line on stderr, no stack trace, nothing on stdout. */
function expectError(result: RunResult, code: number, message: string | RegExp): void {
  expect(result.stdout).toBe('');
  expect(result.stderr.endsWith('\n')).toBe(true);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^keel: /);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  if (typeof message === 'string') expect(lines[0]).toContain(message);
  else expect(lines[0]).toMatch(message);
  expect(result.code).toBe(code);
}

describe('help and version', () => {
  it('prints the version, the commands and each command\'s options', async () => {
    const version = await keel(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version);
    const help = await keel(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['train', 'eval', 'predict', 'plugins']) expect(help.stdout).toContain(command);
    const trainHelp = await keel(['train', '--help']);
    expect(trainHelp.code).toBe(0);
    for (const flag of ['--model', '--layers', '--lr', '--schedule', '--validation-split', '--out', '--resume', '--plot', '--plugin', '--json']) expect(trainHelp.stdout).toContain(flag);
  });
});

describe('errors: one line on stderr, a non-zero exit code, no stack trace', () => {
  it('an unknown flag names the nearest valid one', async () => {
    expectError(await keel(['train', 'mnist', '--lrr', '0.1']), 2, "keel: unknown flag --lrr for 'keel train'; did you mean --lr?");
    expectError(await keel(['train', 'xor', '--epocs', '2']), 2, 'did you mean --epochs?');
    expectError(await keel(['eval', '--modle', 'x']), 2, 'did you mean --model?');
  });

  it('an unknown command, task or value', async () => {
    expectError(await keel(['trian', 'xor']), 2, "unknown command 'trian'; did you mean 'train'?");
    expectError(await keel(['train', 'cifar']), 2, "unknown task 'cifar'");
    expectError(await keel(['train', 'xor', '--lr', 'fast']), 2, "--lr must be a positive number, got 'fast'");
    expectError(await keel(['train', 'xor', '--schedule', 'cosin']), 2, "did you mean 'cosine'?");
    expectError(await keel(['train', 'mnist', '--dense', '64']), 2, '--dense is for --model cnn');
    expectError(await keel(['train', 'xor', '--model', 'cnn']), 2, '--model cnn needs images');
  });

  it('an unknown plugin id gets the registry\'s message with the nearest id', async () => {
    expectError(await keel(['train', 'xor', '--activation', 'rleu']), 2, "--activation: unknown activation 'rleu'; did you mean 'relu'?");
    expectError(await keel(['train', 'xor', '--optimizer', 'adamm']), 2, "unknown optimizer 'adamm'; did you mean 'adam'?");
    expectError(await keel(['train', 'xor', '--loss', 'meanSquaredErr']), 2, "--loss: unknown loss 'meanSquaredErr'; did you mean 'meanSquaredError'?");
    expectError(await keel(['train', 'xor', '--backend', 'jss']), 2, "--backend: unknown backend 'jss'; did you mean 'js'?");
  });

  it('a missing or malformed data directory', async () => {
    expectError(await keel(['train', '--data', join(tmp, 'nowhere')]), 1, `data directory ${join(tmp, 'nowhere')} does not exist`);
    const partial = join(tmp, 'partial');
    mkdirSync(partial);
    writeFileSync(join(partial, 'train-labels-idx1-ubyte'), Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 1, 3));
    expectError(await keel(['train', '--data', partial]), 1, /no train images file in .*partial/);
    writeFileSync(join(partial, 'train-images-idx3-ubyte'), 'not an idx file at all\n');
    // the first bad file in a fixed order (train before test), however the parallel reads finish
    expectError(await keel(['train', '--data', partial]), 1, /train-images-idx3-ubyte: bad magic number/);
    for (const name of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(partial, name), 'junk');
    expectError(await keel(['train', '--data', partial]), 1, /train-images-idx3-ubyte: bad magic number/);
  });

  it('a directory that is not a Keel model', async () => {
    expectError(await keel(['eval', '--model', join(tmp, 'no-model')]), 1, `no Keel model here: ${join(tmp, 'no-model')} does not exist`);
    const notModel = join(tmp, 'not-a-model');
    mkdirSync(notModel);
    writeFileSync(join(notModel, 'notes.txt'), 'hello');
    expectError(await keel(['eval', '--model', notModel]), 1, `not a Keel model directory: ${notModel} has no model.json`);
    writeFileSync(join(notModel, 'model.json'), '{ "format": "something else" }');
    expectError(await keel(['predict', '--model', notModel, 'x.png']), 1, 'not a Keel model file');
    expectError(await keel(['train', '--resume', notModel]), 1, 'not a Keel model file');
  });

  it('--verbose adds the stack trace', async () => {
    const result = await keel(['eval', '--model', join(tmp, 'no-model'), '--verbose']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^keel: no Keel model here/);
    expect(result.stderr).toMatch(/^\s+at /m);
  });
});

describe('keel train xor', () => {
  it('--json: one JSON object per line, accuracy 1, the done event last with every field', async () => {
    const result = await keel(['train', 'xor', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(CONTROL);
    const events = jsonLines(result.stdout);
    expect(events[0]).toMatchObject({ event: 'start', task: 'xor', model: 'mlp', activation: 'tanh', loss: 'binaryCrossEntropyWithLogits', params: 33 });
    expect(events.filter((e) => e.event === 'epoch')).toHaveLength(10);
    const done = events.at(-1)!;
    expect(Object.keys(done).sort()).toEqual(['epochs', 'event', 'modelDir', 'params', 'samplesPerSecond', 'task', 'testAccuracy', 'testLoss', 'trainSeconds'].sort());
    expect(done).toMatchObject({ event: 'done', task: 'xor', epochs: 10, testAccuracy: 1, params: 33, modelDir: null });
    expect(done.testLoss).toBeLessThan(0.1);
    expect(done.trainSeconds).toBeGreaterThan(0);
    expect(done.samplesPerSecond).toBeGreaterThan(0);
  });

  it('prints the model summary, one line per epoch and a summary table, without control characters off a terminal', async () => {
    const result = await keel(['train', 'xor']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(CONTROL);
    expect(result.stdout).toContain('Total params: 33');
    expect(result.stdout.match(/^epoch \d+\/10 /gm)).toHaveLength(10);
    expect(result.stdout).toMatch(/test accuracy\s+100\.00%/);
    expect(result.stdout).toMatch(/parameters\s+33/);
  });
});

describe('plugins', () => {
  it('keel plugins lists every registered id with its kind, plugin and version', async () => {
    const result = await keel(['plugins', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const entries = jsonLines(result.stdout).filter((e) => e.event === 'entry');
    const find = (kind: string, id: string) => entries.find((e) => e.kind === kind && e.id === id);
    expect(find('activation', 'relu')).toMatchObject({ plugin: '@keel/activations', version: ACTIVATIONS_VERSION });
    expect(find('optimizer', 'adam')).toMatchObject({ plugin: '@keel/optimizers', version: OPTIMIZERS_VERSION });
    expect(find('layer', 'dense')).toMatchObject({ plugin: '@keel/layers', version: LAYERS_VERSION });
    expect(find('loss', 'sparseSoftmaxCrossEntropy')).toMatchObject({ plugin: '@keel/losses' });
    expect(find('metric', 'accuracy')).toMatchObject({ plugin: '@keel/train' });
    expect(find('dataset', 'mnist')).toMatchObject({ plugin: '@keel/data' });
    expect(find('backend', 'js')).toMatchObject({ plugin: '@keel/tensor' });
    // Each backend says whether it runs here, and which is the default.
    const backends = jsonLines(result.stdout).filter((e) => e.event === 'backend');
    expect(backends.find((b) => b.id === 'js')).toMatchObject({ available: true });
    expect(backends.filter((b) => b.best === true)).toHaveLength(1);
    for (const b of backends) expect(b.available === true || typeof b.reason === 'string').toBe(true);
    const text = await keel(['plugins', '--kind', 'backend']);
    expect(text.stdout).toMatch(/^Backends:\n {2}js +ready/m);
    const table = await keel(['plugins', '--kind', 'activation']);
    expect(table.stdout).toMatch(new RegExp(`^relu\\s+activation\\s+@keel/activations\\s+${ACTIVATIONS_VERSION.replaceAll('.', '\\.')}$`, 'm'));
    expect(table.stdout).not.toMatch(CONTROL);
  });

  it('--plugin installs a module\'s plugins; their namespaced ids work in every id flag', async () => {
    const listed = await keel(['plugins', '--plugin', plugin, '--kind', 'activation', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(jsonLines(listed.stdout)).toContainEqual({ event: 'entry', kind: 'activation', id: 'acme/softish', plugin: '@acme/keel-softish', version: '1.2.3' });
    const trained = await keel(['train', 'xor', '--plugin', plugin, '--activation', 'acme/softish', '--json']);
    expect(trained.code, trained.stderr).toBe(0);
    const events = jsonLines(trained.stdout);
    expect(events[0]).toMatchObject({ event: 'start', activation: 'acme/softish' });
    expect(events.at(-1)).toMatchObject({ event: 'done', testAccuracy: 1 });
    expectError(await keel(['train', 'xor', '--plugin', plugin, '--activation', 'acme/sofish']), 2, "unknown activation 'acme/sofish'; did you mean 'acme/softish'?");
    expectError(
      await keel(['train', 'xor', '--activation', 'acme/softish']),
      2,
      "--activation: unknown activation 'acme/softish'; it looks like a plugin's id: load the plugin that provides it with --plugin <package or file>",
    );
    expectError(await keel(['plugins', '--plugin', './test/fixtures/missing.mjs']), 2, '--plugin ./test/fixtures/missing.mjs: no such file');
  });
});

describe('keel train mnist, eval, predict', () => {
  const model = join(tmp, 'mnist-64');
  const svg = join(tmp, 'curves.svg');
  let done: Record<string, unknown>;

  it('trains one epoch of 784-64-10 with --json, saves the model and plots the curves', async () => {
    const result = await keel(['train', 'mnist', '--epochs', '1', '--layers', '64', '--json', '--out', model, '--plot', svg, '--validation-split', '0.1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(CONTROL);
    const events = jsonLines(result.stdout);
    expect(events[0]).toMatchObject({ event: 'start', task: 'mnist', layers: [64], trainSamples: 54_000, validationSamples: 6_000, testSamples: 10_000, params: 50_890 });
    const epoch = events.find((e) => e.event === 'epoch')!;
    expect(epoch).toHaveProperty('val_accuracy');
    done = events.at(-1)!;
    expect(done).toMatchObject({ event: 'done', task: 'mnist', epochs: 1, params: 50_890, modelDir: model });
    expect(done.testAccuracy).toBeGreaterThan(0.9);
    const saved = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8')) as { preprocessing: { scale: number; layout: string }; optimizer: { state: string } };
    expect(saved.preprocessing).toMatchObject({ scale: 1 / 255, layout: 'flat' });
    expect(saved.optimizer.state).toMatch(/^optimizer\.\d+\.safetensors$/); // the save's generation of the optimizer file
  });

  it('--plot wrote a well-formed SVG with train and validation curves of loss and accuracy', () => {
    const text = readFileSync(svg, 'utf8');
    expect(text).toMatch(/^<\?xml[^>]*\?>\s*<svg /);
    checkWellFormed(text);
    for (const series of ['train-loss', 'validation-loss', 'train-accuracy', 'validation-accuracy']) expect(text).toContain(`class="series ${series}"`);
    expect(text).toContain('>epoch</text>');
    expect(text).toContain('class="legend-label"');
  });

  it('keel eval reports the same test accuracy', async () => {
    const result = await keel(['eval', '--model', model, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const [event] = jsonLines(result.stdout);
    expect(event).toMatchObject({ event: 'eval', samples: 10_000, testAccuracy: done.testAccuracy });
    expect(event.testLoss).toBeCloseTo(done.testLoss as number, 5);
    const text = await keel(['eval', '--model', model]);
    expect(text.stdout).toContain(`test accuracy  ${((done.testAccuracy as number) * 100).toFixed(2)}%`);
  });

  it('keel predict classifies PNGs rendered from real MNIST test digits, as it does their IDX originals', async () => {
    const { test } = await mnist({ split: 'test' });
    const idx = await keel(['predict', '--model', model, join(mnistDirectory(), 't10k-images-idx3-ubyte'), '--limit', '4', '--json']);
    expect(idx.code, idx.stderr).toBe(0);
    const fromIdx = jsonLines(idx.stdout);
    expect(fromIdx).toHaveLength(4);
    for (let i = 0; i < 4; i++) {
      const pixels = test.images.subarray(i * 784, (i + 1) * 784);
      const png = join(tmp, `digit-${i}.png`);
      writeFileSync(png, encodeGrayPng(pixels, 28, 28));
      const result = await keel(['predict', '--model', model, png, '--json']);
      expect(result.code, result.stderr).toBe(0);
      const [prediction] = jsonLines(result.stdout) as { class: number; probabilities: number[] }[];
      expect(prediction.class).toBe(test.labels[i]);
      expect(prediction.probabilities).toHaveLength(10);
      expect(prediction.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      (fromIdx[i].probabilities as number[]).forEach((p, c) => expect(prediction.probabilities[c]).toBeCloseTo(p, 5));
    }
    // Dark ink on white paper, twice the size: inverted and resized back to 28x28.
    const big = new Uint8Array(56 * 56);
    for (let y = 0; y < 56; y++) for (let x = 0; x < 56; x++) big[y * 56 + x] = 255 - test.images[(y >> 1) * 28 + (x >> 1)];
    writeFileSync(join(tmp, 'paper.png'), encodeGrayPng(big, 56, 56));
    const paper = await keel(['predict', '--model', model, join(tmp, 'paper.png')]);
    expect(paper.code, paper.stderr).toBe(0);
    expect(paper.stdout).toContain('dark on light, inverted');
    expect(paper.stdout).toMatch(new RegExp(`^class ${test.labels[0]} \\(`, 'm'));
    expect(paper.stdout.match(/^\s+\d\s+[#.]+\s+[\d.]+%$/gm)).toHaveLength(10);
  });
});

describe('keel train --data', () => {
  it('trains on an IDX set laid out like MNIST (gzipped files here), and eval reads its test split', async () => {
    const { train, test } = await mnist();
    const dir = join(tmp, 'small-idx');
    mkdirSync(dir);
    const write = (name: string, data: Uint8Array, dims: number[]) => writeFileSync(join(dir, `${name}.gz`), gzipSync(encodeIdx(data, dims)));
    write('train-images-idx3-ubyte', train.images.subarray(0, 3000 * 784), [3000, 28, 28]);
    write('train-labels-idx1-ubyte', train.labels.subarray(0, 3000), [3000]);
    write('t10k-images-idx3-ubyte', test.images.subarray(0, 500 * 784), [500, 28, 28]);
    write('t10k-labels-idx1-ubyte', test.labels.subarray(0, 500), [500]);
    const out = join(tmp, 'small-model');
    const result = await keel(['train', '--data', dir, '--layers', '32', '--epochs', '2', '--out', out, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const events = jsonLines(result.stdout);
    expect(events[0]).toMatchObject({ event: 'start', task: 'idx', dataDir: dir, trainSamples: 3000, testSamples: 500 });
    const done = events.at(-1)!;
    expect(done).toMatchObject({ event: 'done', task: 'idx', epochs: 2 });
    expect(done.testAccuracy).toBeGreaterThan(0.8);
    const evaluated = await keel(['eval', '--model', out, '--data', dir, '--json']);
    expect(jsonLines(evaluated.stdout)[0]).toMatchObject({ samples: 500, testAccuracy: done.testAccuracy });
  });
});

describe('Ctrl-C', () => {
  it('stops after the current batch, keeps the last complete checkpoint loadable, exits 130; --resume continues', async () => {
    const dir = join(tmp, 'interrupted');
    let sent = false;
    const result = await keel(['train', 'mnist', '--layers', '16', '--epochs', '4', '--json', '--out', dir], {
      onLine: (line, child) => {
        if (!sent && line.includes('"event":"epoch"')) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/^keel: interrupted during epoch 2; .* holds the model after epoch 1/m);
    expect(jsonLines(result.stdout).at(-1)).toMatchObject({ event: 'interrupted', epoch: 2, savedEpoch: 1, modelDir: dir });
    const saved = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { training: { epoch: number } };
    expect(saved.training.epoch).toBe(1);
    const evaluated = await keel(['eval', '--model', dir, '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(jsonLines(evaluated.stdout)[0].testAccuracy).toBeGreaterThan(0.85);

    const resumed = await keel(['train', '--resume', dir, '--epochs', '2', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const events = jsonLines(resumed.stdout);
    expect(events[0]).toMatchObject({ event: 'start', initialEpoch: 1, epochs: 2, resumedFrom: dir });
    expect(events.filter((e) => e.event === 'epoch').map((e) => e.epoch)).toEqual([2]);
    expect(events.at(-1)).toMatchObject({ event: 'done', epochs: 2, modelDir: dir });
  });
});
