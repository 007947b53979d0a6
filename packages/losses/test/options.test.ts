// Each loss declares its options once (check, description, default): createLoss checks them and
// fills in the defaults, which are the loss functions' own.
import { listOptions, Registry } from '@keel/registry';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropy, createLoss, huber, klDivergence, lossesPlugin, meanSquaredError } from '../src/index.js';
import { f64 } from './helpers.js';

function installed(): Registry {
  const registry = new Registry();
  registry.use(lossesPlugin);
  return registry;
}

describe('declared loss options', () => {
  it('every loss declares each option with a one-line description and a default', () => {
    for (const spec of lossesPlugin.provides.loss) {
      const options = listOptions(spec.options);
      expect(options.map((o) => o.name)[0], spec.id).toBe('reduction');
      for (const option of options) {
        expect(option.description, `${spec.id}.${option.name}`).toMatch(/^[^\n]+$/);
        expect(option.default, `${spec.id}.${option.name}`).toBeDefined();
      }
    }
    expect(listOptions(lossesPlugin.provides.loss.find((s) => s.id === 'huber')!.options)).toEqual([
      { name: 'reduction', expected: "'mean', 'sum' or 'none'", required: false, default: 'mean', description: expect.stringMatching(/^how per-example losses/) as unknown },
      { name: 'delta', expected: 'a number > 0', required: false, default: 1, description: 'where the loss turns from quadratic to linear (|p − t| > delta)' },
    ]);
  });

  it("the declared defaults are the loss functions' own", () => {
    const registry = installed();
    const p = f64([[1e-9, 0.5], [4, 1 - 1e-9]]);
    const t = f64([[1, 0], [0, 1]]);
    const clamped = f64([[1e-12, 0.5], [0.3, 1 - 1e-12]]);
    const probabilities = f64([[0.5, 0.5], [0.25, 0.75]]);
    expect(createLoss(registry, 'huber')(p, t).item()).toBe(huber()(p, t).item());
    expect(createLoss(registry, 'meanSquaredError')(p, t).item()).toBe(meanSquaredError(p, t).item());
    expect(createLoss(registry, 'binaryCrossEntropy')(clamped, t).item()).toBe(binaryCrossEntropy(clamped, t).item());
    expect(createLoss(registry, 'klDivergence')(f64([[1e-12, 1 - 1e-12], [0.5, 0.5]]), probabilities).item()).toBe(
      klDivergence(f64([[1e-12, 1 - 1e-12], [0.5, 0.5]]), probabilities).item(),
    );
  });
});
