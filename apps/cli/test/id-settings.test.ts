// Every id flag takes settings (`--optimizer adam:b1=0.8`), checked against the options the entry
// declares before anything trains, saved with the run and used again on resume.
import { chain, scaleByLearningRate } from '@keel/optimizers';
import { definePlugin, Registry } from '@keel/registry';
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../src/args.js';
import { trainCommand } from '../src/commands/train.js';
import { CliError } from '../src/errors.js';
import { withoutSetting } from '../src/id-spec.js';
import { installKeel } from '../src/setup.js';
import { freshConfig, lossArgument, optimizerSettings, resumedConfig, runSettings, type RunSettings } from '../src/train/config.js';
import { checkRunSettings } from '../src/train/resume.js';
import { usageMessage as usage } from './helpers.js';

const registry = installKeel(new Registry());
const flags = (...argv: string[]) => parseFlags(argv, trainCommand.flags, 'keel train');
const config = (...argv: string[]) => freshConfig(flags(...argv), registry);

describe('id flags take settings', () => {
  it('--activation, --loss and --optimizer: the id and its settings, kept apart', () => {
    const run = config('xor', '--activation', 'leakyRelu:alpha=0.2', '--loss', 'huber:delta=2', '--optimizer', 'adam:b1=0.8,eps=1e-7');
    expect(run).toMatchObject({
      activation: 'leakyRelu',
      activationOptions: { alpha: 0.2 },
      loss: 'huber',
      lossOptions: { delta: 2 },
      optimizer: 'adam',
      optimizerOptions: { b1: 0.8, eps: 1e-7 },
      lr: 0.05,
    });
    expect(optimizerSettings(run)).toEqual({ b1: 0.8, eps: 1e-7, lr: 0.05 });
    expect(lossArgument(run, registry)).toEqual({ id: 'huber', delta: 2 });
    // saved with the run
    expect(runSettings(run)).toMatchObject({ activationOptions: { alpha: 0.2 }, lossOptions: { delta: 2 }, optimizerOptions: { b1: 0.8, eps: 1e-7 } });
    // without settings nothing extra is saved
    const plain = config('xor');
    expect(plain).not.toHaveProperty('activationOptions');
    expect(plain).not.toHaveProperty('lossOptions');
    expect(plain).not.toHaveProperty('optimizerOptions');
    expect(lossArgument(plain, registry)).toBe('binaryCrossEntropyWithLogits');
    // aliases still expand
    expect(config('xor', '--loss', 'mse:reduction=sum')).toMatchObject({ loss: 'meanSquaredError', lossOptions: { reduction: 'sum' } });
  });

  it('a setting the entry does not declare, or a bad value, is a usage error naming the flag, the setting and the valid options', () => {
    expect(usage(() => config('xor', '--activation', 'leakyRelu:alpah=0.2'))).toBe(
      "--activation 'leakyRelu:alpah=0.2': activation 'leakyRelu': has no option 'alpah'; did you mean 'alpha'? valid options: alpha",
    );
    expect(usage(() => config('xor', '--optimizer', 'adam:b1=0.8,eps=0'))).toBe("--optimizer 'adam:b1=0.8,eps=0': optimizer 'adam': eps is 0; expected a number > 0; valid options: lr, b1, b2, eps");
    expect(usage(() => config('xor', '--loss', 'huber:delt=2'))).toBe("--loss 'huber:delt=2': loss 'huber': has no option 'delt'; did you mean 'delta'? valid options: reduction, delta");
    expect(usage(() => config('xor', '--loss', 'huber:reduction=summ'))).toBe(
      "--loss 'huber:reduction=summ': loss 'huber': reduction is 'summ'; expected 'mean', 'sum' or 'none' (did you mean 'sum'?); valid options: reduction, delta",
    );
    expect(usage(() => config('xor', '--activation', 'relu:alpha=1'))).toBe("--activation 'relu:alpha=1': activation 'relu': takes no options, got 'alpha'");
    expect(usage(() => config('xor', '--optimizer', 'adam:momentum=0.9'))).toBe("--optimizer 'adam:momentum=0.9': optimizer 'adam': has no option 'momentum'; valid options: lr, b1, b2, eps");
    // --init took settings before; now they are checked too, before the model is built
    expect(usage(() => config('xor', '--init', 'uniform:minVal=0'))).toBe(
      "--init 'uniform:minVal=0': initializer 'uniform': has no option 'minVal'; did you mean 'minval'? valid options: minval, maxval",
    );
    expect(config('xor', '--init', 'uniform:minval=0,maxval=1').init).toBe('uniform:minval=0,maxval=1');
  });

  it('settings for an entry that declares no options cannot be checked, so they are refused', () => {
    const withPlugin = installKeel(new Registry());
    withPlugin.use(
      definePlugin({
        name: '@acme/plain',
        version: '1.0.0',
        provides: { optimizer: [{ id: 'acme/plain', description: 'plain descent', create: (c = {}) => chain(scaleByLearningRate(Number(c.lr))) }] },
      }),
    );
    expect(usage(() => freshConfig(flags('xor', '--optimizer', 'acme/plain:decay=0.5'), withPlugin))).toBe(
      "--optimizer 'acme/plain:decay=0.5': optimizer 'acme/plain' (from @acme/plain) declares no options, so its settings cannot be checked; give the id alone, or ask its author to declare its options",
    );
  });

  it('lr= and momentum= in --optimizer are the run\'s learning rate and momentum; with --lr or --momentum too, an error', () => {
    expect(config('mnist', '--optimizer', 'sgd:lr=0.02,momentum=0.5')).toMatchObject({ optimizer: 'sgd', lr: 0.02, momentum: 0.5 });
    expect(config('mnist', '--optimizer', 'sgd:lr=0.02')).not.toHaveProperty('optimizerOptions');
    expect(usage(() => config('mnist', '--optimizer', 'sgd:lr=0.02', '--lr', '0.1'))).toBe("--lr 0.1 and --optimizer 'sgd:lr=0.02' (lr=0.02) both set the learning rate; give it once");
    expect(usage(() => config('mnist', '--optimizer', 'sgd:momentum=0.5', '--momentum', '0.9'))).toBe(
      "--momentum 0.9 and --optimizer 'sgd:momentum=0.5' (momentum=0.5) both set the momentum; give it once",
    );
    expect(usage(() => config('mnist', '--optimizer', 'sgd:lr=1e-50'))).toMatch(/^--optimizer 'sgd:lr=1e-50': lr=1e-50 .*so the run would not train$/);
  });

  it('withoutSetting drops one setting (lr-find replaces lr= with its suggested --lr)', () => {
    expect(withoutSetting('sgd:lr=0.1,momentum=0.8', 'lr')).toBe('sgd:momentum=0.8');
    expect(withoutSetting('sgd:lr=0.1', 'lr')).toBe('sgd');
    expect(withoutSetting('adam', 'lr')).toBe('adam');
  });
});

describe('settings on resume', () => {
  const saved = runSettings(config('xor', '--activation', 'leakyRelu:alpha=0.2', '--loss', 'huber:delta=2', '--optimizer', 'adam:b1=0.8', '--epochs', '2'));
  const pre = { task: 'xor', scale: 1, layout: 'flat', classes: 2, targets: 'binary', output: 'real', loss: 'huber', run: saved } as const;
  const resumed = (...argv: string[]) => resumedConfig(flags(...argv), registry, 'm', pre, 2);

  it('the saved settings are used again', () => {
    const run = resumed('--resume', 'm', '--epochs', '4');
    expect(run).toMatchObject({ activationOptions: { alpha: 0.2 }, lossOptions: { delta: 2 }, optimizerOptions: { b1: 0.8 } });
    expect(optimizerSettings(run)).toEqual({ b1: 0.8, lr: 0.05 });
    expect(lossArgument(run, registry)).toEqual({ id: 'huber', delta: 2 });
  });

  it('--optimizer must keep the saved settings, but lr= may change as --lr may', () => {
    expect(usage(() => resumed('--resume', 'm', '--epochs', '4', '--optimizer', 'adam'))).toBe(
      '--optimizer adam: the model in m was trained with adam:b1=0.8, whose state resumes only with adam:b1=0.8 (leave --optimizer out to keep it; lr= and momentum= may change)',
    );
    expect(resumed('--resume', 'm', '--epochs', '4', '--optimizer', 'adam:b1=0.8,lr=0.01')).toMatchObject({ optimizerOptions: { b1: 0.8 }, lr: 0.01 });
  });

  it('saved settings are checked against the declared options, naming the file and field', () => {
    const check = (run: Partial<RunSettings> & Record<string, unknown>): string => {
      try {
        checkRunSettings({ ...saved, ...run }, '/models/m', registry);
      } catch (error) {
        expect(error).toBeInstanceOf(CliError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(checkRunSettings(saved, '/models/m', registry)).toMatchObject({ lossOptions: { delta: 2 } });
    expect(check({ lossOptions: { delta: -1 } })).toBe(
      "/models/m/model.json: preprocessing.run.lossOptions: loss 'huber': delta is -1; expected a number > 0; valid options: reduction, delta; the file was edited or damaged",
    );
    expect(check({ activationOptions: { alpah: 0.2 } })).toMatch(/^\/models\/m\/model\.json: preprocessing\.run\.activationOptions: activation 'leakyRelu': has no option 'alpah'; did you mean 'alpha'\?/);
    expect(check({ optimizerOptions: [0.8] as never })).toBe(
      "/models/m/model.json: preprocessing.run.optimizerOptions is [0.8]; expected the optimizer's settings, an object such as { \"alpha\": 0.2 }",
    );
    expect(check({ optimizerOptions: { lr: 0.1 } })).toBe(
      '/models/m/model.json: preprocessing.run.optimizerOptions has lr, which a run keeps in preprocessing.run.lr; the file was edited or damaged',
    );
  });
});
