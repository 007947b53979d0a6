// Inputs a third outside attack pass found silently taken another way (issue 19): a model's file
// given for its directory, one directory spelled two ways, 2-D IDX files given to predict,
// repeated flags and --init settings, loosely written numbers, a learning rate (or a saved input
// scale) float32 makes 0, a lock naming no process, and SIGTERM during training.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '@keel/registry';
import { parseFlags, type FlagSpec } from '../src/args.js';
import { COMMON_FLAGS } from '../src/common.js';
import { CliError } from '../src/errors.js';
import { parseIdSpec } from '../src/id-spec.js';
import { buildModel } from '../src/model.js';
import { readPredictInput } from '../src/predict-input.js';
import { checkPreprocessing } from '../src/saved-preprocessing.js';
import { installKeel } from '../src/setup.js';
import { SETUP_FLAGS } from '../src/train/flags.js';
import { checkRunSettings } from '../src/train/resume.js';
import { encodeIdx, jsonLines, keel, oneErrorLine, requireBuiltCli, usageMessage as usage } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-attack-three-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An XOR model trained 1 epoch (saved twice: generation 2). */
let model: string;
beforeAll(async () => {
  requireBuiltCli();
  model = join(tmp, 'm');
  const result = await keel(['train', 'xor', '--epochs', '1', '--out', model]);
  expect(result.code, result.stderr).toBe(0);
});

/** The stderr line and exit code of a usage error (exit code 2). */
function usageLine(result: { code: number | null; stderr: string; stdout: string }): string {
  expect(result.code, result.stdout + result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  return result.stderr;
}

const savedEpoch = (dir: string): number => (JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { training: { epoch: number } }).training.epoch;

describe("a model's file given where its directory is meant", () => {
  it('eval, predict, train --resume and train --out name the directory to pass', async () => {
    const rel = relative(tmp, model); // 'm', as people type it
    for (const [args, flag] of [
      [['eval', '--model'], 'model'],
      [['predict', '--model'], 'model'],
      [['train', '--epochs', '2', '--resume'], 'resume'],
      [['train', 'xor', '--out'], 'out'],
    ] as const) {
      const result = await keel([...args, `${rel}/model.json`, ...(args[0] === 'predict' ? ['digit.png'] : [])], { cwd: tmp });
      expect(usageLine(result)).toBe(`keel: --${flag} m/model.json is the model file of m; --${flag} takes the model directory: pass --${flag} m\n`);
    }
    const weights = await keel(['eval', '--model', join(model, 'weights.2.safetensors')]);
    expect(usageLine(weights)).toBe(`keel: --model ${join(model, 'weights.2.safetensors')} is the weights file of the model in ${model}; --model takes the model directory: pass --model ${model}\n`);
    const optimizer = await keel(['train', '--resume', './m/optimizer.2.safetensors', '--epochs', '2'], { cwd: tmp });
    expect(usageLine(optimizer)).toBe('keel: --resume ./m/optimizer.2.safetensors is the optimizer state file of the model in ./m; --resume takes the model directory: pass --resume ./m\n');
    expect(savedEpoch(model)).toBe(1);
  });

  it('train --resume of another file (no --out) names --resume, not --out', async () => {
    const file = join(tmp, 'notes.txt');
    writeFileSync(file, 'not a model');
    const result = await keel(['train', '--resume', file, '--epochs', '2']);
    expect(oneErrorLine(result)).toBe(`keel: --resume ${file} is a file, not a model directory; pass the directory 'keel train --out' saved the model in`);
  });
});

describe('--resume and --out naming one directory two ways', () => {
  it('a link to the resumed directory, or the directory spelled with ./ or a trailing slash, is the model being resumed (no --overwrite)', async () => {
    const dir = join(tmp, 'r');
    expect((await keel(['train', 'xor', '--epochs', '1', '--out', dir])).code).toBe(0);
    const link = join(tmp, 'r-link');
    symlinkSync(dir, link);
    mkdirSync(join(tmp, 'x'));
    symlinkSync('../r', join(tmp, 'x', 'r2'));
    const cases: [string, string, number][] = [
      ['r', link, 2],
      [link, 'r', 3],
      ['./r', 'x/r2/', 4],
      ['r/', '../' + tmp.split('/').pop()! + '/r', 5],
    ];
    for (const [resume, out, epochs] of cases) {
      const result = await keel(['train', '--resume', resume, '--out', out, '--epochs', String(epochs), '--json'], { cwd: tmp });
      expect(result.code, `${resume} ${out}: ${result.stderr}`).toBe(0);
      expect(jsonLines(result.stdout).at(-1)).toMatchObject({ event: 'done', epochs });
      expect(savedEpoch(dir)).toBe(epochs);
    }
  });
});

describe('keel predict reads IDX images as [count, rows, cols] only', () => {
  const idx = (name: string, dims: number[]): string => {
    const path = join(tmp, name);
    writeFileSync(path, encodeIdx(new Uint8Array(dims.reduce((a, b) => a * b, 1)).fill(100), dims));
    return path;
  };
  const failure = async (path: string): Promise<string> => {
    const error = await readPredictInput(path, 28, 28, 1 / 255, undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    return (error as Error).message;
  };

  it('a 2-D file (one image, or flattened images?) is refused naming the file, its shape and the shapes to write', async () => {
    const square = idx('square-idx2', [28, 28]);
    expect(await failure(square)).toBe(
      `${square} holds uint8 [28, 28]; an IDX images file is uint8 [count, rows, cols] (a 2-D file is one image of 28 rows of 28 pixels, or 28 images of 28 values each, and predict does not guess: write one image as [1, 28, 28] or as a PNG)`,
    );
    const flat = idx('flat-idx2', [3, 784]);
    expect(await failure(flat)).toBe(
      `${flat} holds uint8 [3, 784]; an IDX images file is uint8 [count, rows, cols] (a 2-D file is one image of 3 rows of 784 pixels, or 3 images of 784 values each, and predict does not guess: write one image as [1, 3, 784] or as a PNG, or 3 flattened images as [3, 28, 28])`,
    );
    const channel = idx('channel-idx4', [2, 28, 28, 1]);
    expect(await failure(channel)).toBe(`${channel} holds uint8 [2, 28, 28, 1]; an IDX images file is uint8 [count, rows, cols] (one channel: write it as [2, 28, 28])`);
  });

  it('[count, rows, cols] is read, and one image is called one', async () => {
    const one = await readPredictInput(idx('one-idx3', [1, 28, 28]), 28, 28, 1 / 255, undefined);
    expect(one.count).toBe(1);
    expect(one.values[0]).toBeCloseTo(100 / 255, 6);
    expect(one.description).toBe(`${join(tmp, 'one-idx3')} (1 image of 28x28)`);
  });
});

const flags = (...argv: string[]) => parseFlags(argv, [...SETUP_FLAGS, { name: 'epochs', type: 'integer', description: '' } satisfies FlagSpec, ...COMMON_FLAGS], 'keel train');

describe('a flag given twice', () => {
  it('is a usage error naming the flag and both values, never the last one silently', () => {
    expect(usage(() => flags('--lr', '0.1', '--lr', '0.5'))).toBe("--lr is given twice ('0.1', then '0.5'); give it once");
    expect(usage(() => flags('--lr=0.1', '--lr', '0.1'))).toBe("--lr is given twice ('0.1', then '0.1'); give it once");
    expect(usage(() => flags('--seed', '1', 'xor', '--seed=2'))).toBe("--seed is given twice ('1', then '2'); give it once");
    expect(usage(() => flags('--layers', '4', '--layers', '8'))).toBe("--layers is given twice ('4', then '8'); give it once (a list is one value, comma-separated: --layers 4,8)");
    expect(usage(() => flags('--json', '--json'))).toBe('--json is given twice; give it once');
    expect(usage(() => flags('--json', '--json=false'))).toBe('--json is given twice (--json, then --json=false); give it once');
    expect(usage(() => flags('-h', '--help'))).toBe('--help is given twice; give it once');
  });

  it('--plugin, documented as repeatable, collects every value', () => {
    expect(flags('--plugin', 'a', '--plugin', 'b').strings('plugin')).toEqual(['a', 'b']);
  });
});

describe('numbers written in plain notation only', () => {
  it('an integer flag takes plain digits: no spaces, sign or leading zeros', () => {
    for (const bad of [' 3', '3 ', '+3', '03', '007']) {
      expect(usage(() => flags('--epochs', bad).integer('epochs'))).toBe(`--epochs must be a whole number of at least 1, got '${bad}' (plain digits only: no spaces, no sign, no leading zeros)`);
    }
    expect(usage(() => flags('--seed', '-0').integer('seed', 0))).toBe("--seed must be a whole number of at least 0, got '-0' (plain digits only: no spaces, no sign, no leading zeros)");
    for (const bad of ['3.0', '0x3', '1e1', '', '3,', 'three', '00', '-0']) {
      expect(usage(() => flags('--epochs', bad).integer('epochs'))).toBe(`--epochs must be a whole number of at least 1, got '${bad}'`);
    }
    expect(usage(() => flags('--layers', '256, 128').integers('layers'))).toBe(
      "--layers must be a comma-separated list of positive whole numbers such as 256,128, got '256, 128' (plain digits only: no spaces, no sign, no leading zeros)",
    );
    expect(flags('--epochs', '3').integer('epochs')).toBe(3);
    expect(flags('--seed', '0').integer('seed', 0)).toBe(0);
    expect(flags('--layers', '256,128').integers('layers')).toEqual([256, 128]);
  });

  it('a number flag takes plain decimal or exponent notation', () => {
    for (const bad of [' 0.1', '0.1 ', '+0.1', '00.1', '01', '+1e-3']) {
      expect(usage(() => flags('--lr', bad).number('lr', { positive: true }))).toBe(`--lr must be a positive number, got '${bad}' (plain decimal notation only: no spaces, no + sign, no leading zeros)`);
    }
    for (const [text, value] of [['0.1', 0.1], ['.5', 0.5], ['5.', 5], ['1e-3', 0.001], ['1E+2', 100], ['0', 0], ['0.0e5', 0]] as const) {
      expect(flags('--momentum', text).number('momentum', { min: 0 })).toBe(value);
    }
    expect(usage(() => flags('--momentum', '-0.5').number('momentum', { min: 0 }))).toBe('--momentum must be at least 0, got -0.5');
  });
});

describe('settings of an id flag (--init uniform:minval=0,maxval=1)', () => {
  it('a number in another notation than plain decimal, or a setting given twice, is a usage error', () => {
    expect(usage(() => parseIdSpec('uniform:minval=0x10,maxval=1', 'init'))).toBe("--init 'uniform:minval=0x10,maxval=1': minval=0x10 is not a number in plain decimal notation (such as 0.05, -1 or 1e-3)");
    expect(usage(() => parseIdSpec('uniform:minval=+1', 'init'))).toMatch(/minval=\+1 is not a number in plain decimal notation/);
    expect(usage(() => parseIdSpec('uniform:minval=0,minval=1', 'init'))).toBe("--init 'uniform:minval=0,minval=1': minval is given twice (0, then 1); give it once");
    expect(parseIdSpec('uniform:minval=-0.5, maxval=1e-1', 'init')).toEqual({ id: 'uniform', config: { minval: -0.5, maxval: 0.1 } });
    expect(parseIdSpec('glorotUniform:name=x', 'init')).toEqual({ id: 'glorotUniform', config: { name: 'x' } });
  });
});

describe('a learning rate float32 cannot hold', () => {
  it('is refused when it rounds to 0 or to Infinity in float32 (training would do nothing, or diverge at once)', () => {
    expect(usage(() => flags('--lr', '5e-324').number('lr', { positive: true }))).toBe(
      '--lr: 5e-324 is 0 in float32, the precision training computes in (the smallest float32 is about 1.4e-45); give a larger value',
    );
    expect(usage(() => flags('--lr', '1e-46').number('lr', { positive: true }))).toMatch(/^--lr: 1e-46 is 0 in float32/);
    expect(usage(() => flags('--lr', '1e39').number('lr', { positive: true }))).toBe(
      '--lr: 1e39 is Infinity in float32, the precision training computes in (the largest float32 is about 3.4e38); give a smaller value',
    );
    expect(flags('--lr', '1e-40').number('lr', { positive: true })).toBe(1e-40); // a float32 subnormal: small, not 0
    expect(flags('--lr', '1e38').number('lr', { positive: true })).toBe(1e38);
  });

  it('lr-find --start and --end too, through the CLI', async () => {
    const result = await keel(['lr-find', 'xor', '--start', '1e-50']);
    expect(usageLine(result)).toBe('keel: --start: 1e-50 is 0 in float32, the precision training computes in (the smallest float32 is about 1.4e-45); give a larger value\n');
    const end = await keel(['lr-find', 'xor', '--end', '1e40']);
    expect(usageLine(end)).toMatch(/^keel: --end: 1e40 is Infinity in float32/);
  });
});

describe('a saved model whose learning rate or input scale float32 makes 0', () => {
  const registry = installKeel(new Registry());

  it('preprocessing.run.lr (from a Keel that took --lr 5e-324) is refused before --resume trains with 0', () => {
    const run = { architecture: 'mlp', layers: [8], activation: 'tanh', loss: 'binaryCrossEntropyWithLogits', optimizer: 'adam', schedule: 'constant', epochs: 10, batchSize: 4, seed: 0 };
    expect(() => checkRunSettings({ ...run, lr: 5e-324 }, '/models/x', registry)).toThrow(
      '/models/x/model.json: preprocessing.run.lr 5e-324 is 0 in float32, the precision training computes in (the smallest float32 is about 1.4e-45), so the run would not train; the file was edited or damaged',
    );
    expect(checkRunSettings({ ...run, lr: 0.05 }, '/models/x', registry).lr).toBe(0.05);
  });

  it('preprocessing.scale 1e-50 is refused: every input would be 0', () => {
    const model = buildModel({ architecture: 'mlp', layers: [2], activation: 'tanh', inputShape: [2], outputUnits: 1, outputActivation: 'linear', seed: 0, registry });
    const saved = { task: 'xor', scale: 1e-50, layout: 'flat', classes: 2, targets: 'binary', output: 'logits', loss: 'binaryCrossEntropyWithLogits' };
    expect(() => checkPreprocessing(saved, model, registry, '/models/x/model.json')).toThrow(
      '/models/x/model.json: preprocessing.scale 1e-50 is 0 in float32, the precision training computes in (the smallest float32 is about 1.4e-45), so every input would be 0; the file was edited or damaged',
    );
    expect(checkPreprocessing({ ...saved, scale: 1 }, model, registry, '/models/x/model.json').scale).toBe(1);
  });
});

describe('a lock file naming no process', () => {
  it('pid -1, 0, 1.5, "12" or beyond 2^31-1 is a damaged lock, named with how to remove it', async () => {
    for (const pid of [-1, 0, 1.5, '12', 2 ** 31]) {
      const lockPath = join(model, '.keel-lock');
      writeFileSync(lockPath, JSON.stringify({ pid, hostname: hostname(), command: 'keel train', started: '2020-01-01T00:00:00.000Z', token: 'abc' }));
      const result = await keel(['train', 'xor', '--epochs', '1', '--out', model, '--overwrite']);
      expect(oneErrorLine(result), String(pid)).toBe(
        `keel: ${model} is locked by a damaged lock file: ${lockPath} names pid ${JSON.stringify(pid)}, which is not a process id (a whole number from 1 to 2147483647); ` +
          `if no keel process is writing ${model}, remove ${lockPath}, or choose another --out`,
      );
      rmSync(lockPath);
    }
    expect(savedEpoch(model)).toBe(1);
  });
});

describe('SIGTERM during keel train', () => {
  it('stops after the batch like Ctrl-C, says what was saved, exits 143; the model resumes', async () => {
    const dir = join(tmp, 'terminated');
    let sent = false;
    // The first epoch's line is printed once that epoch is saved: then SIGTERM.
    const result = await keel(['train', 'xor', '--epochs', '1000000', '--out', dir, '--json'], {
      onLine: (line, child) => {
        if (!sent && line.includes('"event":"epoch"')) {
          sent = true;
          child.kill('SIGTERM');
        }
      },
    });
    expect(sent).toBe(true);
    expect(result.code, result.stderr).toBe(143);
    expect(result.signal).toBe(null);
    const last = jsonLines(result.stdout).at(-1) as { event: string; epoch: number; savedEpoch: number; signal: string };
    expect(last).toMatchObject({ event: 'interrupted', modelDir: dir, signal: 'SIGTERM' });
    expect(result.stderr).toBe(`keel: terminated (SIGTERM) during epoch ${last.epoch}; ${dir} holds the model after epoch ${last.savedEpoch} (resume with --resume ${dir})\n`);
    expect(savedEpoch(dir)).toBe(last.savedEpoch);
    const resumed = await keel(['train', '--resume', dir, '--epochs', String(last.savedEpoch + 1), '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
  });
});
