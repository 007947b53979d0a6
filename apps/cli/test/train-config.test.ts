// `keel train` flags turned into run settings: what each optimizer is given.
import { Registry, definePlugin } from '@keel/registry';
import { chain, scaleByLearningRate } from '@keel/optimizers';
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../src/args.js';
import { trainCommand } from '../src/commands/train.js';
import { installKeel } from '../src/setup.js';
import { freshConfig } from '../src/train/config.js';
import { usageMessage as usage } from './helpers.js';

const registry = installKeel(new Registry());
const config = (...argv: string[]) => freshConfig(parseFlags(argv, trainCommand.flags, 'keel train'), registry);

describe('--momentum reaches only optimizers that have a momentum', () => {
  it('gives sgd its default momentum and rmsprop a given one', () => {
    expect(config('mnist').momentum).toBe(0.9);
    expect(config('mnist', '--optimizer', 'rmsprop', '--momentum', '0.5').momentum).toBe(0.5);
    expect(config('mnist', '--optimizer', 'adam').momentum).toBeUndefined();
  });

  it('refuses --momentum for an optimizer without one, before training, naming its options', () => {
    for (const optimizer of ['adam', 'adamw', 'adagrad', 'adamax', 'lion']) {
      expect(usage(() => config('mnist', '--optimizer', optimizer, '--momentum', '0.9'))).toMatch(
        new RegExp(`^--momentum: optimizer '${optimizer}' has no momentum option \\(its options: lr, .*\\); drop --momentum`),
      );
    }
  });

  it("passes an explicit --momentum to a plugin's optimizer that declares no options (it checks its own)", () => {
    const withPlugin = installKeel(new Registry());
    withPlugin.use(
      definePlugin({
        name: '@acme/plain',
        version: '1.0.0',
        provides: { optimizer: [{ id: 'acme/plain', description: 'plain descent', create: (c = {}) => chain(scaleByLearningRate(Number(c.lr))) }] },
      }),
    );
    const settings = freshConfig(parseFlags(['mnist', '--optimizer', 'acme/plain', '--momentum', '0.3'], trainCommand.flags, 'keel train'), withPlugin);
    expect(settings.momentum).toBe(0.3);
  });
});
