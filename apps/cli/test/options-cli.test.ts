// `keel plugins --describe <id>` and id flags with settings, run as a user runs them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL, jsonLines, keel, requireBuiltCli, type RunResult } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-options-'));
const scaledTanh = './test/fixtures/acme-scaled-tanh.mjs';

beforeAll(() => requireBuiltCli());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function expectUsageError(result: RunResult, message: string | RegExp): void {
  expect(result.stdout).toBe('');
  expect(result.code, result.stderr).toBe(2);
  const line = result.stderr.trimEnd();
  expect(line.split('\n')).toHaveLength(1);
  if (typeof message === 'string') expect(line).toBe(`keel: ${message}`);
  else expect(line).toMatch(message);
}

describe('keel plugins --describe', () => {
  it("prints an entry's kind, plugin and version, description, and each option's type, default and description", async () => {
    const result = await keel(['plugins', '--describe', 'leakyRelu']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(CONTROL);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^leakyRelu \(activation\) from @keel\/activations \d+\.\d+\.\d+$/);
    expect(lines[1]).toBe('  x for x > 0, alpha·x otherwise (alpha >= 0, default 0.01): a relu whose negative side still learns');
    expect(result.stdout).toMatch(/^ {2}Option +Expected +Default +Description$/m);
    expect(result.stdout).toMatch(/^ {2}alpha +a number >= 0 +0\.01 +the slope for x < 0 \(0 makes it relu\)$/m);

    const adam = await keel(['plugins', '--describe', 'adam']);
    expect(adam.stdout).toMatch(/^ {2}b1 +a number in \[0, 1\) +0\.9 +decay of the first moment/m);
    const dense = await keel(['plugins', '--describe', 'dense']);
    expect(dense.stdout).toMatch(/^ {2}units +an integer from 1 to 16777216 +\(required\) +the number of outputs$/m);
    expect(dense.stdout).toMatch(/^ {2}activation +.* +'linear' +applied to the output$/m);
    const relu = await keel(['plugins', '--describe', 'relu', '--kind', 'activation']);
    expect(relu.stdout).toContain('\n  options: none\n');
  });

  it('--json gives the same as one JSON object', async () => {
    const result = await keel(['plugins', '--describe', 'huber', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const events = jsonLines(result.stdout);
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({
      event: 'describe',
      kind: 'loss',
      id: 'huber',
      plugin: '@keel/losses',
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/) as unknown,
      description: 'quadratic within delta of the target, linear beyond (delta, default 1)',
      options: [
        { name: 'reduction', expected: "'mean', 'sum' or 'none'", required: false, default: 'mean', description: expect.stringMatching(/^how per-example losses/) as unknown },
        { name: 'delta', expected: 'a number > 0', required: false, default: 1, description: 'where the loss turns from quadratic to linear (|p − t| > delta)' },
      ],
    });
  });

  it('an id registered under several kinds lists each; --kind picks one', async () => {
    const all = jsonLines((await keel(['plugins', '--describe', 'relu', '--json'])).stdout);
    expect(all.map((e) => e.kind)[0]).toBe('activation');
    expect(all.some((e) => e.kind === 'kernel' && e.id === 'relu@js')).toBe(true);
    const text = await keel(['plugins', '--describe', 'relu']);
    expect(text.stdout).toMatch(/^relu@js \(kernel\) from @keel\/tensor/m);
    expect(text.stdout).toMatch(/'relu' names \d+ entries; --kind activation shows one$/m);
    const one = jsonLines((await keel(['plugins', '--describe', 'relu', '--kind', 'activation', '--json'])).stdout);
    expect(one).toHaveLength(1);
    expect(one[0]).toMatchObject({ kind: 'activation', id: 'relu', options: [] });
  });

  it("a plugin's entry shows its own options; an unknown id gets the nearest one", async () => {
    const result = await keel(['plugins', '--plugin', scaledTanh, '--describe', 'acme/scaledTanh', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(jsonLines(result.stdout)).toEqual([
      {
        event: 'describe',
        kind: 'activation',
        id: 'acme/scaledTanh',
        plugin: '@acme/keel-scaled-tanh',
        version: '2.0.0',
        description: 'k·tanh(x / k): tanh stretched to (-k, k)',
        options: [{ name: 'k', expected: 'a number > 0', required: false, default: 1, description: 'the bound of the output' }],
      },
    ]);
    expectUsageError(await keel(['plugins', '--describe', 'rleu']), "--describe: no entry 'rleu' in any kind; did you mean 'relu' (activation)? ('keel plugins' lists them all; --plugin adds a plugin's)");
    expectUsageError(await keel(['plugins', '--describe', 'rleu', '--kind', 'activation']), /^keel: --describe: unknown activation 'rleu'; did you mean 'relu'\?/);
  });
});

describe('id flags with settings', () => {
  const model = join(tmp, 'xor');
  let done: Record<string, unknown>;

  it('are checked before training, naming the flag, the setting and the valid options', async () => {
    expectUsageError(
      await keel(['train', 'xor', '--activation', 'leakyRelu:alpah=0.2']),
      "--activation 'leakyRelu:alpah=0.2': activation 'leakyRelu': has no option 'alpah'; did you mean 'alpha'? valid options: alpha",
    );
    expectUsageError(await keel(['train', 'xor', '--optimizer', 'adam:b1=1']), "--optimizer 'adam:b1=1': optimizer 'adam': b1 is 1; expected a number in [0, 1); valid options: lr, b1, b2, eps");
    expectUsageError(await keel(['train', 'xor', '--optimizer', 'adam:lr=0.01', '--lr', '0.05']), "--lr 0.05 and --optimizer 'adam:lr=0.01' (lr=0.01) both set the learning rate; give it once");
    expectUsageError(
      await keel(['train', 'xor', '--plugin', scaledTanh, '--activation', 'acme/scaledTanh:kk=2']),
      "--activation 'acme/scaledTanh:kk=2': activation 'acme/scaledTanh': has no option 'kk'; did you mean 'k'? valid options: k",
    );
    const plugin = await keel(['train', 'xor', '--plugin', scaledTanh, '--activation', 'acme/scaledTanh:k=2', '--json']);
    expect(plugin.code, plugin.stderr).toBe(0);
    const events = jsonLines(plugin.stdout);
    expect(events[0]).toMatchObject({ event: 'start', activation: 'acme/scaledTanh', activationOptions: { k: 2 } });
    expect(events.at(-1)).toMatchObject({ event: 'done', testAccuracy: 1 });
  });

  it('train with them, save them with the run, and report them', async () => {
    const result = await keel(['train', 'xor', '--activation', 'leakyRelu:alpha=0.2', '--optimizer', 'adam:b1=0.8,eps=1e-7', '--loss', 'bce:eps=1e-6', '--epochs', '8', '--out', model, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const events = jsonLines(result.stdout);
    expect(events[0]).toMatchObject({
      event: 'start',
      activation: 'leakyRelu',
      activationOptions: { alpha: 0.2 },
      loss: 'binaryCrossEntropy',
      lossOptions: { eps: 1e-6 },
      optimizer: 'adam',
      optimizerOptions: { b1: 0.8, eps: 1e-7 },
    });
    done = events.at(-1)!;
    expect(done).toMatchObject({ event: 'done', testAccuracy: 1 });
    const saved = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8')) as {
      preprocessing: { loss: string; run: Record<string, unknown> };
      optimizer: { id: string; config: Record<string, unknown> };
      model: { layers: { config: Record<string, unknown> }[] };
    };
    expect(saved.preprocessing.loss).toBe('binaryCrossEntropy');
    expect(saved.preprocessing.run).toMatchObject({ activationOptions: { alpha: 0.2 }, lossOptions: { eps: 1e-6 }, optimizerOptions: { b1: 0.8, eps: 1e-7 } });
    expect(saved.optimizer).toMatchObject({ id: 'adam', config: { b1: 0.8, eps: 1e-7, lr: 0.05 } });
    expect(saved.model.layers[0].config.activation).toEqual({ id: 'leakyRelu', alpha: 0.2 });
    const text = await keel(['train', 'xor', '--optimizer', 'adam:b1=0.8', '--loss', 'bce:eps=1e-6', '--epochs', '1']);
    expect(text.stdout).toMatch(/^ {2}loss +binaryCrossEntropy \(eps 0\.000001\)$/m);
    expect(text.stdout).toMatch(/^ {2}optimizer +adam \(lr 0\.05, b1 0\.8, constant schedule\)$/m);
  });

  it('keel eval computes the loss with the saved settings', async () => {
    const result = await keel(['eval', '--model', model, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(jsonLines(result.stdout)[0].testLoss).toBeCloseTo(done.testLoss as number, 6);
    const text = await keel(['eval', '--model', model]);
    expect(text.stdout).toMatch(/test loss +[\d.]+ \(binaryCrossEntropy:eps=0\.000001\)/);
  });

  it('a resumed run uses them again; --optimizer may not change them', async () => {
    expectUsageError(
      await keel(['train', '--resume', model, '--epochs', '9', '--optimizer', 'adam']),
      `--optimizer adam: the model in ${model} was trained with adam:b1=0.8,eps=1e-7, whose state resumes only with adam:b1=0.8,eps=1e-7 (leave --optimizer out to keep it; lr= and momentum= may change)`,
    );
    const result = await keel(['train', '--resume', model, '--epochs', '9', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const events = jsonLines(result.stdout);
    expect(events[0]).toMatchObject({ event: 'start', initialEpoch: 8, activationOptions: { alpha: 0.2 }, lossOptions: { eps: 1e-6 }, optimizerOptions: { b1: 0.8, eps: 1e-7 } });
    expect(events.at(-1)).toMatchObject({ event: 'done', epochs: 9, testAccuracy: 1 });
  });
});
